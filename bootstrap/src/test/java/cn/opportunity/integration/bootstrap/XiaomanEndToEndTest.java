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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OPP_DICTIONARY=xiaoman end to end: stages of the live flows through the real endpoint, and outages. */
class XiaomanEndToEndTest {
  static final String CODE = "OPP-X-1";
  @TempDir Path dir;
  ServiceHarness service;
  FakeXiaomanServer xiaoman;

  @BeforeEach
  void startWithXiaoman() throws Exception {
    xiaoman = new FakeXiaomanServer();
    service = new ServiceHarness(dir);
    service.importLines("{\"opportunityCode\":\"" + CODE + "\",\"opportunityName\":\"小满商机\"}");  // local: saves no snapshot
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
    return ServiceHarness.json(service.send(HttpRequest.newBuilder(service.uri("/health")).GET()).body());
  }

  @Test
  void validatesStagesOfTheLiveFlowsByIdAndByName() {
    service.start();
    assertEquals(200, put("\"stage\":\"1101060278\""));
    assertEquals("1101060278", service.stored(CODE).get("stage").asText());
    assertEquals(200, put("\"stage\":\"样品\""));
    assertEquals("1101060276", service.stored(CODE).get("stage").asText(), "stored as the stage's id");
    HttpResponse<String> refused = service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"negotiation\"}");
    assertEquals(400, refused.statusCode());
    assertTrue(refused.body().contains("项目阶段无效: negotiation"), refused.body());
    JsonNode health = health();
    assertEquals("xiaoman", health.at("/dictionary/source").asText());
    assertTrue(health.at("/dictionary/loaded").asBoolean());
    assertEquals(8, health.at("/dictionary/stages").asInt());
  }

  @Test
  void refusesStagesWith503ButTakesOtherUpdatesWhenXiaomanWasNeverReached() {
    xiaoman.close();
    service.start();
    HttpResponse<String> unavailable = service.put("{\"opportunityCode\":\"" + CODE + "\",\"stage\":\"1101060278\"}");
    assertEquals(503, unavailable.statusCode());
    assertEquals("{\"code\":\"-1\",\"msg\":\"项目阶段字典暂不可用\",\"data\":null}", unavailable.body());
    assertEquals(200, put("\"status\":\"won\""));
    JsonNode health = health();
    assertEquals(200, service.send(HttpRequest.newBuilder(service.uri("/health")).GET()).statusCode());
    assertFalse(health.at("/dictionary/loaded").asBoolean());
    assertTrue(health.at("/dictionary/snapshotAgeSeconds").isNull());
    assertTrue(health.at("/dictionary/lastError").asText().contains("cannot reach Xiaoman"), health.toString());
  }

  @Test
  void validatesFromTheSavedSnapshotAfterARestartDuringAnOutage() {
    service.start();
    service.stop();
    xiaoman.close();
    service.start();
    assertEquals(200, put("\"stage\":\"赢单\""));
    assertEquals("1101060278", service.stored(CODE).get("stage").asText());
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
    assertTrue(result.out().lines().anyMatch(line -> line.matches("\\s+1101060278\\s+赢单\\s+won\\s+yes")), result.out());
    assertTrue(result.out().contains("产品质量"), result.out());
    assertFalse(result.out().contains(TestSecrets.XIAOMAN_CLIENT_SECRET));
  }
}
