package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The contract (CONTRACT.md §1–§3) end to end: the real wiring on a random port, a real SQLite
 * file, HTTP over loopback.
 */
class EndToEndTest {
  static final String CODE = "OPP-20260401-001";
  static final String SEED_BODY =
      """
      {"opportunityCode": "OPP-20260401-001", "stage": "won", "status": "won", "confidencePct": "A",
       "amount": 2800000, "expectedCloseDate": "2026-04-30", "description": "外部系统回写成交结果"}""";

  @TempDir Path dir;
  ServiceHarness service;

  @BeforeEach
  void startWithOneOpportunity() throws Exception {
    service = new ServiceHarness(dir);
    service.importLines(
        "{\"opportunityCode\":\""
            + CODE
            + "\",\"opportunityName\":\"智慧园区二期\",\"finalCustomerName\":\"上海临港\","
            + "\"amount\":1500000,\"stage\":\"negotiation\",\"status\":\"active\",\"projectLocation\":\"上海\"}");
    service.start();
  }

  @AfterEach
  void stop() {
    service.close();
  }

  @Test
  void answersTheSeedsExampleWithTheIdAndStoresItsValues() {
    HttpResponse<String> response = service.put(SEED_BODY);
    assertEquals(200, response.statusCode());
    JsonNode body = ServiceHarness.json(response.body());
    JsonNode stored = service.stored(CODE);
    assertEquals(
        "{\"code\":\"0\",\"msg\":\"success\",\"data\":" + stored.get("id").asLong() + "}",
        response.body());
    assertEquals("0", body.get("code").asText());
    assertEquals("won", stored.get("stage").asText());
    assertEquals("won", stored.get("status").asText());
    assertEquals("A", stored.get("confidencePct").asText());
    assertEquals("2800000.00", stored.get("amount").toString());
    assertEquals("2026-04-30", stored.get("expectedCloseDate").asText());
    assertEquals("外部系统回写成交结果", stored.get("description").asText());
    assertEquals("上海", stored.get("projectLocation").asText(), "fields not sent stay as they were");
    assertEquals("上海临港", stored.get("finalCustomerName").asText());
    assertEquals(2, stored.get("version").asInt());
  }

  @Test
  void showsEveryFieldOnGetWithNullForUnset() {
    JsonNode stored = service.stored(CODE);
    for (String name :
        List.of(
            "id",
            "opportunityCode",
            "opportunityName",
            "projectLocation",
            "operatorName",
            "amount",
            "expectedCloseDate",
            "confidencePct",
            "stage",
            "opportunityType",
            "productType",
            "source",
            "salesExpansionId",
            "channelExpansionId",
            "preSalesId",
            "preSalesName",
            "competitorName",
            "archived",
            "pushedToOms",
            "omsPushTime",
            "status",
            "lostReason",
            "description",
            "finalCustomerName",
            "createdAt",
            "updatedAt",
            "version")) {
      assertTrue(stored.has(name), name + " in " + stored);
    }
    assertTrue(stored.get("operatorName").isNull());
    assertTrue(stored.get("lostReason").isNull(), "never set");
    assertEquals(1, stored.get("version").asInt());
    assertTrue(stored.get("createdAt").asText().endsWith("Z"));
  }

  @Test
  void changesNothingAndKeepsTheVersionWhenValuesAreTheSame() {
    service.put(SEED_BODY);
    JsonNode before = service.stored(CODE);
    HttpResponse<String> again = service.put(SEED_BODY);
    assertEquals(200, again.statusCode());
    assertEquals(before, service.stored(CODE));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("{\"stage\":\"won\"}", 400, "opportunityCode 不能为空"),
        Arguments.of("{\"opportunityCode\":\"  \",\"stage\":\"won\"}", 400, "opportunityCode 不能为空"),
        Arguments.of("{\"opportunityCode\":\"" + CODE + "\"}", 400, "至少传入一个需要更新的字段"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"amount\":null}", 400, "至少传入一个需要更新的字段"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\" \"}", 400, "商机名称不能为空"),
        Arguments.of("{\"opportunityCode\":\"" + CODE + "\",\"amount\":0}", 400, "商机金额必须大于 0"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"amount\":1.234}", 400, "商机金额最多保留两位小数"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"expectedCloseDate\":\"2026-02-30\"}",
            400,
            "预计结单日期格式应为 YYYY-MM-DD"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"confidencePct\":\"D\"}", 400, "项目把握度仅支持A、B、C"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"closing\"}", 400, "项目阶段无效: closing"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"salesExpansionId\":0}", 400, "销售拓展 ID 必须大于 0"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"channelExpansionId\":-1}",
            400,
            "渠道拓展 ID 必须大于 0"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"preSalesId\":\"0\"}", 400, "售前 ID 必须大于 0"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"omsPushTime\":\"yesterday\"}",
            400,
            "推送 OMS 时间格式无效: yesterday"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"status\":\"open\"}",
            400,
            "商机状态仅支持 active、closed、won、lost"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"竞品\"}", 400, "输单原因无效: 竞品"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\" \"}", 400, "输单原因无效:  "),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":1}", 400, "字段类型错误: lostReason"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"finalCustomerName\":\"别家\"}",
            400,
            "不支持更新商机的最终客户"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"colour\":\"red\"}", 400, "不支持的字段: colour"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"source\":\"a\",\"source\":\"b\"}",
            400,
            "字段重复: source"),
        Arguments.of(
            "{\"opportunityCode\":\"" + CODE + "\",\"archived\":\"yes\"}", 400, "字段类型错误: archived"),
        Arguments.of(
            "{\"opportunityCode\":\""
                + CODE
                + "\",\"status\":\"open\",\"amount\":-1,\"stage\":\"x\",\"confidencePct\":\"Z\"}",
            400,
            "商机金额必须大于 0；项目把握度仅支持A、B、C；项目阶段无效: x；商机状态仅支持 active、closed、won、lost"),
        Arguments.of("{\"opportunityCode\":\"OPP-NOPE\",\"stage\":\"won\"}", 404, "商机不存在"),
        Arguments.of("[1,2]", 400, "请求体不是有效的 JSON 对象"),
        Arguments.of("{\"opportunityCode\":", 400, "请求体不是有效的 JSON 对象"));
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("refusals")
  void refusesWithTheContractsMessageAndChangesNothing(String body, int status, String message) {
    JsonNode before = service.stored(CODE);
    HttpResponse<String> response = service.put(body);
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(envelope(message), ServiceHarness.json(response.body()));
    assertEquals(before, service.stored(CODE));
  }

  @Test
  void checksTheSecretFirstThenTheContentTypeThenTheSizeThenTheJson() {
    HttpRequest.Builder noSecretWrongType =
        HttpRequest.newBuilder(service.uri("/api/opportunities/integration/update"))
            .header("Content-Type", "text/plain")
            .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(70_000)));
    assertRefusal(service.send(noSecretWrongType), 401, "内部接口鉴权失败");

    HttpRequest.Builder wrongTypeTooLarge =
        HttpRequest.newBuilder(service.uri("/api/opportunities/integration/update"))
            .header("Content-Type", "text/plain")
            .header("X-Internal-Secret", ServiceHarness.SECRET)
            .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(70_000)));
    assertRefusal(service.send(wrongTypeTooLarge), 415, "Content-Type 必须为 application/json");

    HttpRequest.Builder tooLargeNotJson =
        HttpRequest.newBuilder(service.uri("/api/opportunities/integration/update"))
            .header("Content-Type", "application/json; charset=utf-8")
            .header("X-Internal-Secret", ServiceHarness.SECRET)
            .PUT(HttpRequest.BodyPublishers.ofString("x".repeat(65_537)));
    assertRefusal(service.send(tooLargeNotJson), 413, "请求体过大");
  }

  @Test
  void answersAnUnknownCodeOnGetWithNotFound() {
    assertRefusal(service.get("OPP-NOPE"), 404, "商机不存在");
  }

  @Test
  void keepsAnAcknowledgedUpdateAcrossARestart() {
    assertEquals(200, service.put(SEED_BODY).statusCode());
    service.stop();
    service.start();
    assertEquals("won", service.stored(CODE).get("stage").asText());
    assertEquals(2, service.stored(CODE).get("version").asInt());
  }

  @Test
  void reportsHealth() {
    HttpResponse<String> response =
        service.send(HttpRequest.newBuilder(service.uri("/health")).GET());
    assertEquals(200, response.statusCode());
    JsonNode health = ServiceHarness.json(response.body());
    assertEquals("UP", health.get("status").asText());
    assertEquals("UP", health.at("/store/status").asText());
    assertEquals("local", health.at("/dictionary/source").asText());
    assertTrue(health.at("/dictionary/loaded").asBoolean());
    assertEquals(7, health.at("/dictionary/stages").asInt());
    assertTrue(health.at("/dictionary/lastError").isNull());
  }

  @Test
  void acceptsAStageOfAStagesFileByCodeAndByUniqueName() throws Exception {
    service.stop();
    Path stages = dir.resolve("stages.json");
    Files.writeString(
        stages,
        """
        {"stages": [{"code": "s1", "name": "初步接触", "kind": "in_progress"},
                    {"code": "s2", "name": "签约", "kind": "won"},
                    {"code": "s3", "name": "停用阶段", "kind": "lost", "enabled": false}]}""",
        StandardCharsets.UTF_8);
    service.environment.put("OPP_STAGES_FILE", stages.toString());
    service.start();
    assertEquals(
        200, service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"签约\"}").statusCode());
    assertEquals("s2", service.stored(CODE).get("stage").asText());
    assertEquals(
        200, service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\" s1 \"}").statusCode());
    assertEquals("s1", service.stored(CODE).get("stage").asText());
    assertRefusal(
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"s3\"}"), 400, "项目阶段无效: s3");
    assertRefusal(
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"won\"}"),
        400,
        "项目阶段无效: won");
  }

  /** CONTRACT §5.6 end to end: PUT by name or id, GET shows the id after the status, "" clears. */
  @Test
  void storesALostReasonAndShowsItOnGet() {
    HttpResponse<String> put =
        service.put(
            "{\"opportunityCode\":\"" + CODE + "\",\"status\":\"lost\",\"lostReason\":\"预算取消\"}");
    assertEquals(200, put.statusCode(), put.body());
    HttpResponse<String> shown = service.get(CODE);
    assertTrue(
        shown.body().contains("\"status\":\"lost\",\"lostReason\":\"budget\","), shown.body());
    assertEquals(2, service.stored(CODE).get("version").asInt());
    assertEquals(
        200,
        service
            .put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"budget\"}")
            .statusCode());
    assertEquals(2, service.stored(CODE).get("version").asInt(), "the same value changes nothing");
    service.stop();
    service.start();
    assertEquals("budget", service.stored(CODE).get("lostReason").asText(), "after a restart");
    assertEquals(
        200,
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"\"}").statusCode());
    JsonNode cleared = service.stored(CODE);
    assertTrue(cleared.get("lostReason").isNull(), cleared.toString());
    assertEquals("lost", cleared.get("status").asText());
    assertEquals(3, cleared.get("version").asInt());
  }

  @Test
  void acceptsTheLostReasonsOfAStagesFileOrTheBuiltInOnesWhenItNamesNone() throws Exception {
    service.stop();
    Path own = dir.resolve("own.json");
    Files.writeString(
        own,
        """
        {"stages": [{"code": "s1", "name": "初步接触", "kind": "in_progress"}],
         "lostReasons": [{"id": "r1", "name": "资金不足"}, {"id": "r2", "name": "停用", "enabled": false}]}""",
        StandardCharsets.UTF_8);
    service.environment.put("OPP_STAGES_FILE", own.toString());
    service.start();
    assertEquals(
        200,
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"资金不足\"}").statusCode());
    assertEquals("r1", service.stored(CODE).get("lostReason").asText());
    assertRefusal(
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"r2\"}"),
        400,
        "输单原因无效: r2");
    assertRefusal(
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"price\"}"),
        400,
        "输单原因无效: price");

    service.stop();
    Path stagesOnly = dir.resolve("stages-only.json");
    Files.writeString(
        stagesOnly,
        "{\"stages\": [{\"code\": \"s1\", \"name\": \"初步接触\", \"kind\": \"in_progress\"}]}",
        StandardCharsets.UTF_8);
    service.environment.put("OPP_STAGES_FILE", stagesOnly.toString());
    service.start();
    assertEquals(
        200,
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"时机未到\"}").statusCode());
    assertEquals("timing", service.stored(CODE).get("lostReason").asText());
  }

  private static void assertRefusal(HttpResponse<String> response, int status, String message) {
    assertEquals(status, response.statusCode(), response.body());
    assertEquals(envelope(message), ServiceHarness.json(response.body()));
    assertTrue(response.headers().firstValue("X-Request-Id").isPresent());
  }

  private static JsonNode envelope(String message) {
    return ServiceHarness.JSON
        .createObjectNode()
        .put("code", "-1")
        .put("msg", message)
        .putNull("data");
  }
}
