package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.xiaoman.FakeXiaomanServer;
import cn.opportunity.integration.domain.testing.TestSecrets;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OPP_DICTIONARY=xiaoman end to end: stages of the live flows through the real endpoint, and
 * outages.
 */
class XiaomanEndToEndTest {
  static final String CODE = "OPP-X-1";
  @TempDir Path dir;
  ServiceHarness service;
  FakeXiaomanServer xiaoman;

  @BeforeEach
  void startWithXiaoman() throws Exception {
    xiaoman = new FakeXiaomanServer();
    service = new ServiceHarness(dir);
    service.importLines(
        "{\"opportunityCode\":\""
            + CODE
            + "\",\"opportunityName\":\"小满商机\"}"); // local: saves no snapshot
    service.environment.put("OPP_DICTIONARY", "xiaoman");
    service.environment.put("XIAOMAN_BASE_URL", xiaoman.baseUrl().toString());
    service.environment.put("XIAOMAN_CLIENT_ID", FakeXiaomanServer.CLIENT_ID);
    service.environment.put("XIAOMAN_CLIENT_SECRET", TestSecrets.XIAOMAN_CLIENT_SECRET);
    service.environment.put("XIAOMAN_FLOW_IDS", FakeXiaomanServer.FLOW_WITH_PUBLISHED_STAGES);
    service.environment.put("XIAOMAN_REQUEST_TIMEOUT", "PT1S");
    service.environment.put("XIAOMAN_CONNECT_TIMEOUT", "PT1S");
  }

  @AfterEach
  void stop() {
    service.close();
    xiaoman.close();
  }

  private int put(String member) {
    return service.put("{\"opportunityCode\":\"" + CODE + "\"," + member + "}").statusCode();
  }

  private JsonNode health() {
    return ServiceHarness.json(
        service.send(HttpRequest.newBuilder(service.uri("/health")).GET()).body());
  }

  @Test
  void validatesStagesOfTheLiveFlowsByIdAndByName() {
    service.start();
    assertEquals(200, put("\"stage\":\"1101060278\""));
    assertEquals("1101060278", service.stored(CODE).get("stage").asText());
    assertEquals(200, put("\"stage\":\"样品\""));
    assertEquals(
        "1101060276", service.stored(CODE).get("stage").asText(), "stored as the stage's id");
    HttpResponse<String> refused =
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"negotiation\"}");
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("项目阶段无效: negotiation"), refused.body());
    JsonNode health = health();
    assertEquals("xiaoman", health.at("/dictionary/source").asText());
    assertTrue(health.at("/dictionary/loaded").asBoolean());
    assertEquals(8, health.at("/dictionary/stages").asInt());
  }

  /**
   * CONTRACT §5.6 with Xiaoman: a lost reason of the published fail_reason by its reason_id or its
   * name, stored as the reason_id; the built-in ones are not Xiaoman's.
   */
  @Test
  void validatesLostReasonsOfXiaomansFailReasonByIdAndByName() {
    service.start();
    assertEquals(200, put("\"lostReason\":\"1101043686\""));
    assertEquals("1101043686", service.stored(CODE).get("lostReason").asText());
    assertEquals(200, put("\"lostReason\":\"物流问题\""));
    assertEquals(
        "3421479132", service.stored(CODE).get("lostReason").asText(), "stored as the reason_id");
    HttpResponse<String> refused =
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"price\"}");
    assertEquals(400, refused.statusCode());
    assertEquals("{\"code\":\"-1\",\"msg\":\"输单原因无效: price\",\"data\":null}", refused.body());
  }

  @Test
  void refusesStagesWith503ButTakesOtherUpdatesWhenXiaomanWasNeverReached() {
    xiaoman.close();
    service.start();
    HttpResponse<String> unavailable =
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"1101060278\"}");
    assertEquals(503, unavailable.statusCode());
    assertEquals("{\"code\":\"-1\",\"msg\":\"项目阶段字典暂不可用\",\"data\":null}", unavailable.body());
    HttpResponse<String> noReasons =
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"lostReason\":\"1101043686\"}");
    assertEquals(503, noReasons.statusCode());
    assertEquals("{\"code\":\"-1\",\"msg\":\"项目阶段字典暂不可用\",\"data\":null}", noReasons.body());
    assertEquals(200, put("\"lostReason\":\"\""), "clearing needs no dictionary");
    assertEquals(200, put("\"status\":\"won\""));
    JsonNode health = health();
    assertEquals(
        200, service.send(HttpRequest.newBuilder(service.uri("/health")).GET()).statusCode());
    assertFalse(health.at("/dictionary/loaded").asBoolean());
    assertTrue(health.at("/dictionary/snapshotAgeSeconds").isNull());
    assertTrue(
        health.at("/dictionary/lastError").asText().contains("cannot reach Xiaoman"),
        health.toString());
  }

  @Test
  void validatesFromTheSavedSnapshotAfterARestartDuringAnOutage() {
    service.start();
    service.stop();
    xiaoman.close();
    service.start();
    assertEquals(200, put("\"stage\":\"赢单\""));
    assertEquals("1101060278", service.stored(CODE).get("stage").asText());
    assertEquals(200, put("\"lostReason\":\"竞对询价\""));
    assertEquals(
        "3421479652",
        service.stored(CODE).get("lostReason").asText(),
        "lost reasons of the saved snapshot");
    JsonNode health = health();
    assertTrue(health.at("/dictionary/loaded").asBoolean());
    assertFalse(health.at("/dictionary/lastError").isNull());
    assertFalse(health.toString().contains(TestSecrets.XIAOMAN_CLIENT_SECRET));
  }

  @Test
  void printsTheLiveStageCodesWithTheDictionaryCommand() {
    ServiceHarness.CommandResult result = service.command("dictionary");
    assertEquals(Main.OK, result.status(), result.err());
    assertTrue(result.out().contains("source xiaoman"), result.out());
    assertTrue(result.out().contains("Flow 1101060263  2019第四季度"), result.out());
    assertTrue(
        result.out().lines().anyMatch(line -> line.matches("\\s+1101060278\\s+赢单\\s+won\\s+yes")),
        result.out());
    assertTrue(
        result.out().lines().anyMatch(line -> line.matches("\\s+1101043686\\s+产品质量\\s+yes")),
        result.out());
    assertFalse(result.out().contains(TestSecrets.XIAOMAN_CLIENT_SECRET));
  }

  /**
   * Issue 13: the published sales_flow as it is — nine usable flows, stages for only two of them.
   * The stages of those validate, the others' do not exist, and /health names what was skipped,
   * also after a restart while Xiaoman is down.
   */
  @Test
  void validatesTheFlowsThatHaveStagesAndShowsTheSkippedOnesInHealth() {
    service.environment.remove("XIAOMAN_FLOW_IDS");
    service.start();
    assertEquals(200, put("\"stage\":\"1101060278\""));
    assertEquals(200, put("\"stage\":\"30714996261\""));
    HttpResponse<String> refused =
        service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"33762727431\"}");
    assertEquals(
        400,
        refused.statusCode(),
        "test1 has no stages: what a made-up one would be called does not exist");
    assertEquals("{\"code\":\"-1\",\"msg\":\"项目阶段无效: 33762727431\",\"data\":null}", refused.body());
    JsonNode health = health();
    assertTrue(health.at("/dictionary/loaded").asBoolean());
    assertEquals(10, health.at("/dictionary/stages").asInt());
    assertTrue(health.at("/dictionary/lastError").isNull());
    List<String> skipped = new ArrayList<>();
    health.at("/dictionary/skipped").forEach(item -> skipped.add(item.asText()));
    assertEquals(7, skipped.size(), health.toString());
    assertEquals("flow 3376272743 (test1): no stages", skipped.get(0));
    assertTrue(skipped.stream().allMatch(item -> item.endsWith(": no stages")), skipped.toString());

    service.stop();
    xiaoman.close();
    service.start();
    JsonNode afterRestart = health();
    assertFalse(afterRestart.at("/dictionary/lastError").isNull(), "Xiaoman is down");
    assertEquals(
        health.at("/dictionary/skipped"),
        afterRestart.at("/dictionary/skipped"),
        "the saved snapshot names them too");
    assertEquals(200, put("\"stage\":\"样品\""));
  }

  @Test
  void printsWhatWasSkippedWithTheDictionaryCommand() {
    service.environment.remove("XIAOMAN_FLOW_IDS");
    ServiceHarness.CommandResult result = service.command("dictionary");
    assertEquals(Main.OK, result.status(), result.err());
    assertTrue(result.out().contains("2 flow(s), 10 enabled stage(s)"), result.out());
    assertTrue(
        result.out().contains("\nSkipped (7)\n  flow 3376272743 (test1): no stages\n"),
        result.out());
  }

  @Test
  void listsNothingSkippedForTheLocalDictionary() {
    service.environment.put("OPP_DICTIONARY", "local");
    service.start();
    JsonNode skipped = health().at("/dictionary/skipped");
    assertTrue(skipped.isArray() && skipped.isEmpty(), skipped.toString());
  }
}
