package cn.opportunity.integration.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import cn.opportunity.integration.adapter.http.HttpApiConfig;
import cn.opportunity.integration.domain.testing.TestSecrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppConfigTest {
  static final String SECRET = TestSecrets.INTERNAL;
  static final String OTHER_SECRET = TestSecrets.ROTATED_INTERNAL;

  @Test
  void appliesTheContractsDefaults() {
    AppConfig config = AppConfig.load(Map.of("OPP_INTERNAL_SECRETS", SECRET), Optional.empty());
    assertEquals("0.0.0.0", config.httpHost());
    assertEquals(8080, config.httpPort());
    assertEquals("jdbc:sqlite:data/opportunities.db", config.dbUrl());
    assertEquals(ZoneId.of("Asia/Shanghai"), config.timezone());
    assertEquals(AppConfig.DictionarySource.LOCAL, config.dictionary());
    assertEquals("https://api-sandbox.xiaoman.cn", config.xiaoman().baseUrl());
    assertEquals("client_credentials", config.xiaoman().grantType());
    assertEquals("opportunity", config.xiaoman().scope());
    assertEquals(Duration.ofMinutes(10), config.xiaoman().refreshInterval());
  }

  @Test
  void acceptsSeveralSecretsForRotation() {
    AppConfig config =
        AppConfig.load(
            Map.of("OPP_INTERNAL_SECRETS", SECRET + " , " + OTHER_SECRET), Optional.empty());
    assertEquals(List.of(SECRET, OTHER_SECRET), config.internalSecrets());
  }

  @Test
  void namesEachCallerByItsEntryOrItsPlace() {
    AppConfig config =
        AppConfig.load(
            Map.of(
                "OPP_INTERNAL_SECRETS",
                "oms:"
                    + SECRET
                    + ", "
                    + OTHER_SECRET
                    + ",oms:"
                    + OTHER_SECRET
                    + "x,"
                    + "not a name:"
                    + SECRET),
            Optional.empty());
    assertEquals(
        List.of(
            new HttpApiConfig.Caller("oms", SECRET),
            new HttpApiConfig.Caller("caller-2", OTHER_SECRET),
            new HttpApiConfig.Caller("oms", OTHER_SECRET + "x"),
            new HttpApiConfig.Caller("caller-4", "not a name:" + SECRET)),
        config.callers());
    assertTrue(config.toString().contains("[oms, caller-2, caller-4]"), config.toString());
  }

  @Test
  void takesASecretWithAColonWhoseHeadIsNoNameWhole() {
    String withColon = "a b:" + SECRET;
    assertEquals(
        List.of(new HttpApiConfig.Caller("caller-1", withColon)),
        AppConfig.callers(List.of(withColon)));
    String tooLongAName = "x".repeat(33) + ":" + SECRET;
    assertEquals("caller-1", AppConfig.callers(List.of(tooLongAName)).get(0).name());
    assertEquals(
        new HttpApiConfig.Caller("a.b_c-9", "s:t"),
        AppConfig.callers(List.of("a.b_c-9:s:t")).get(0));
  }

  @Test
  void measuresTheSecretOfANamedEntryWithoutItsName() {
    String shortSecret = SECRET.substring(0, 31);
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () ->
                AppConfig.load(
                    Map.of("OPP_INTERNAL_SECRETS", SECRET + ",oms:" + shortSecret),
                    Optional.empty()));
    assertEquals(
        List.of(
            "OPP_INTERNAL_SECRETS: secret #2 (oms) is 31 characters long; each needs at least 32"),
        e.problems());
    assertFalse(e.getMessage().contains(shortSecret));
  }

  @Test
  void keepsHistoryForeverUnlessARetentionIsSet() {
    assertEquals(
        Optional.empty(),
        AppConfig.load(Map.of("OPP_INTERNAL_SECRETS", SECRET), Optional.empty())
            .historyRetention());
    assertEquals(
        Optional.of(Duration.ofDays(90)),
        AppConfig.load(
                Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_HISTORY_RETENTION", "P90D"),
                Optional.empty())
            .historyRetention());
    for (String bad : List.of("90 days", "PT0S", "-P1D")) {
      AppConfig.InvalidConfigException e =
          assertThrows(
              AppConfig.InvalidConfigException.class,
              () ->
                  AppConfig.load(
                      Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_HISTORY_RETENTION", bad),
                      Optional.empty()));
      assertTrue(e.problems().get(0).startsWith("OPP_HISTORY_RETENTION must be"), bad);
    }
  }

  @Test
  void refusesToStartWithoutASecret() {
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () -> AppConfig.load(Map.of(), Optional.empty()));
    assertTrue(
        e.problems().get(0).startsWith("OPP_INTERNAL_SECRETS is required"),
        e.problems().toString());
  }

  @Test
  void refusesAShortSecretNamingTheVariableButNotTheSecret() {
    String shortSecret = TestSecrets.TOO_SHORT_INTERNAL;
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () ->
                AppConfig.load(
                    Map.of("OPP_INTERNAL_SECRETS", SECRET + "," + shortSecret), Optional.empty()));
    assertEquals(
        List.of(
            "OPP_INTERNAL_SECRETS: secret #2 is "
                + shortSecret.length()
                + " characters long; each needs at least 32"),
        e.problems());
    assertFalse(e.getMessage().contains(shortSecret));
  }

  @Test
  void reportsEveryProblemAtOnce() {
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () ->
                AppConfig.load(
                    Map.of(
                        "OPP_HTTP_PORT",
                        "eighty",
                        "OPP_TIMEZONE",
                        "Mars/Olympus",
                        "OPP_DICTIONARY",
                        "paper",
                        "OPP_DB_URL",
                        "jdbc:h2:mem",
                        "XIAOMAN_REFRESH_INTERVAL",
                        "10 minutes"),
                    Optional.empty()));
    List<String> problems = e.problems();
    assertEquals(6, problems.size(), problems.toString());
    for (String variable :
        List.of(
            "OPP_HTTP_PORT",
            "OPP_TIMEZONE",
            "OPP_DICTIONARY",
            "OPP_DB_URL",
            "OPP_INTERNAL_SECRETS",
            "XIAOMAN_REFRESH_INTERVAL")) {
      assertTrue(
          problems.stream().anyMatch(p -> p.startsWith(variable)), variable + " in " + problems);
    }
  }

  @Test
  void takesAPostgresUrlWithItsLoginAndNeverPrintsThePassword() {
    String password = "pg-password-never-printed";
    AppConfig config =
        AppConfig.load(
            Map.of(
                "OPP_INTERNAL_SECRETS",
                SECRET,
                "OPP_DB_URL",
                "jdbc:postgresql://db.internal:5432/opportunities",
                "OPP_DB_USER",
                "opp",
                "OPP_DB_PASSWORD",
                password),
            Optional.empty());
    assertEquals("jdbc:postgresql://db.internal:5432/opportunities", config.dbUrl());
    assertEquals(new AppConfig.DbLogin("opp", password, 10), config.dbLogin());
    assertTrue(config.toString().contains("user=opp"), config.toString());
    assertFalse(config.toString().contains(password));
    assertFalse(config.dbLogin().toString().contains(password));
    assertEquals(
        7,
        AppConfig.load(
                Map.of(
                    "OPP_INTERNAL_SECRETS",
                    SECRET,
                    "OPP_DB_URL",
                    "jdbc:postgresql://db/o",
                    "OPP_DB_USER",
                    "opp",
                    "OPP_DB_POOL_SIZE",
                    "7"),
                Optional.empty())
            .dbLogin()
            .poolSize());
    assertEquals(
        AppConfig.DbLogin.NONE,
        AppConfig.load(Map.of("OPP_INTERNAL_SECRETS", SECRET), Optional.empty()).dbLogin());
  }

  @Test
  void refusesAPostgresLoginThatIsMissingMisplacedOrMeaningless() {
    List<String> postgres =
        assertThrows(
                AppConfig.InvalidConfigException.class,
                () ->
                    AppConfig.load(
                        Map.of(
                            "OPP_INTERNAL_SECRETS",
                            SECRET,
                            "OPP_DB_URL",
                            "jdbc:postgresql://db/o?password=in-the-url",
                            "OPP_DB_POOL_SIZE",
                            "0"),
                        Optional.empty()))
            .problems();
    assertEquals(
        List.of(
            "OPP_DB_URL must not carry a password (it is logged): set OPP_DB_PASSWORD instead",
            "OPP_DB_USER is required with a jdbc:postgresql:// OPP_DB_URL",
            "OPP_DB_POOL_SIZE must be a whole number above 0, not '0'"),
        postgres);
    List<String> sqlite =
        assertThrows(
                AppConfig.InvalidConfigException.class,
                () ->
                    AppConfig.load(
                        Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_DB_USER", "opp"),
                        Optional.empty()))
            .problems();
    assertEquals(
        List.of(
            "OPP_DB_USER, OPP_DB_PASSWORD and OPP_DB_POOL_SIZE apply to a jdbc:postgresql://"
                + " OPP_DB_URL only, not to SQLite"),
        sqlite);
  }

  @Test
  void readsAPropertiesFileWhichTheEnvironmentOverrides(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("app.properties");
    Files.writeString(
        file, "OPP_HTTP_PORT=9090\nOPP_TIMEZONE=UTC\nOPP_INTERNAL_SECRETS=" + SECRET + "\n");
    AppConfig config = AppConfig.load(Map.of("OPP_HTTP_PORT", "9191"), Optional.of(file));
    assertEquals(9191, config.httpPort());
    assertEquals(ZoneId.of("UTC"), config.timezone());
    assertEquals(List.of(SECRET), config.internalSecrets());
  }

  @Test
  void neverShowsASecretWhenPrinted() {
    AppConfig config =
        AppConfig.load(
            Map.of(
                "OPP_INTERNAL_SECRETS",
                SECRET,
                "XIAOMAN_CLIENT_SECRET",
                TestSecrets.XIAOMAN_CLIENT_SECRET,
                "XIAOMAN_PASSWORD",
                TestSecrets.XIAOMAN_PASSWORD),
            Optional.empty());
    String printed = config.toString();
    assertFalse(printed.contains(SECRET));
    assertFalse(printed.contains(TestSecrets.XIAOMAN_CLIENT_SECRET));
    assertFalse(printed.contains(TestSecrets.XIAOMAN_PASSWORD));
  }

  @Test
  void needsNoSecretForCommandsWithoutAServer() {
    assertTrue(
        AppConfig.loadWithoutSecrets(Map.of(), Optional.empty()).internalSecrets().isEmpty());
  }

  @Test
  void refusesAStagesFileThatDoesNotExist(@TempDir Path dir) {
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () ->
                AppConfig.loadWithoutSecrets(
                    Map.of("OPP_STAGES_FILE", dir.resolve("nope.json").toString()),
                    Optional.empty()));
    assertTrue(e.problems().get(0).startsWith("OPP_STAGES_FILE"));
  }

  @Test
  void needsXiaomansCredentialsForTheXiaomanDictionary() {
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () ->
                AppConfig.load(
                    Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_DICTIONARY", "xiaoman"),
                    Optional.empty()));
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertTrue(e.problems().get(0).startsWith("XIAOMAN_CLIENT_ID is required"));
    assertTrue(e.problems().get(1).startsWith("XIAOMAN_CLIENT_SECRET is required"));
  }

  @Test
  void needsAUserAndPasswordForThePasswordGrantAndKnowsNoOtherGrant() {
    Map<String, String> base =
        Map.of(
            "OPP_INTERNAL_SECRETS",
            SECRET,
            "OPP_DICTIONARY",
            "xiaoman",
            "XIAOMAN_CLIENT_ID",
            "id",
            "XIAOMAN_CLIENT_SECRET",
            TestSecrets.XIAOMAN_CLIENT_SECRET,
            "XIAOMAN_GRANT_TYPE",
            "password");
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class, () -> AppConfig.load(base, Optional.empty()));
    assertEquals(
        List.of(
            "XIAOMAN_USERNAME and XIAOMAN_PASSWORD are required with XIAOMAN_GRANT_TYPE=password"),
        e.problems());
    java.util.HashMap<String, String> other = new java.util.HashMap<>(base);
    other.put("XIAOMAN_GRANT_TYPE", "implicit");
    e =
        assertThrows(
            AppConfig.InvalidConfigException.class, () -> AppConfig.load(other, Optional.empty()));
    assertTrue(
        e.problems().get(0).startsWith("XIAOMAN_GRANT_TYPE must be"), e.problems().toString());
    assertFalse(e.getMessage().contains(TestSecrets.XIAOMAN_CLIENT_SECRET));
  }

  @Test
  void readsTheXiaomanSettings() {
    AppConfig config =
        AppConfig.load(
            Map.of(
                "OPP_INTERNAL_SECRETS",
                SECRET,
                "OPP_DICTIONARY",
                "XIAOMAN",
                "XIAOMAN_CLIENT_ID",
                "id",
                "XIAOMAN_CLIENT_SECRET",
                TestSecrets.XIAOMAN_CLIENT_SECRET,
                "XIAOMAN_FLOW_IDS",
                "1, 2",
                "XIAOMAN_REFRESH_INTERVAL",
                "PT5M",
                "XIAOMAN_REQUEST_TIMEOUT",
                "PT2S"),
            Optional.empty());
    assertEquals(AppConfig.DictionarySource.XIAOMAN, config.dictionary());
    assertEquals(List.of("1", "2"), config.xiaoman().flowIds());
    assertEquals(Duration.ofMinutes(5), config.xiaoman().refreshInterval());
    assertEquals(Duration.ofSeconds(2), config.xiaoman().requestTimeout());
    assertEquals(Duration.ofSeconds(3), config.xiaoman().connectTimeout());
  }

  @Test
  void drainsForOppStopDrainAfterSigtermNothingByDefault() {
    assertEquals(
        Duration.ZERO,
        AppConfig.load(Map.of("OPP_INTERNAL_SECRETS", SECRET), Optional.empty()).stopDrain());
    for (String good : List.of("PT0S", "PT15S", "PT1M")) {
      assertEquals(
          Duration.parse(good),
          AppConfig.load(
                  Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_STOP_DRAIN", good), Optional.empty())
              .stopDrain());
    }
    for (String bad : List.of("15s", "-PT1S", "PT")) {
      AppConfig.InvalidConfigException e =
          assertThrows(
              AppConfig.InvalidConfigException.class,
              () ->
                  AppConfig.load(
                      Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_STOP_DRAIN", bad),
                      Optional.empty()));
      assertEquals(
          List.of(
              "OPP_STOP_DRAIN must be an ISO-8601 duration of zero or more such as PT0S or PT15S,"
                  + " not '"
                  + bad
                  + "'"),
          e.problems());
    }
  }

  @Test
  void servesMetricsByDefaultAndTakesTrueOrFalseForOppMetrics() {
    assertTrue(AppConfig.load(Map.of("OPP_INTERNAL_SECRETS", SECRET), Optional.empty()).metrics());
    for (String off : List.of("false", "FALSE", " False "))
      assertFalse(
          AppConfig.load(
                  Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_METRICS", off), Optional.empty())
              .metrics());
    assertTrue(
        AppConfig.load(
                Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_METRICS", "true"), Optional.empty())
            .metrics());
    for (String bad : List.of("0", "no", "off", "yes")) {
      AppConfig.InvalidConfigException e =
          assertThrows(
              AppConfig.InvalidConfigException.class,
              () ->
                  AppConfig.load(
                      Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_METRICS", bad),
                      Optional.empty()));
      assertEquals(List.of("OPP_METRICS must be true or false, not '" + bad + "'"), e.problems());
    }
  }

  @Test
  void trustsNoProxyByDefaultAndRefusesAnEntryThatIsNoAddressOrRange() {
    assertTrue(
        AppConfig.load(Map.of("OPP_INTERNAL_SECRETS", SECRET), Optional.empty())
            .trustedProxies()
            .isEmpty());
    AppConfig config =
        AppConfig.load(
            Map.of("OPP_INTERNAL_SECRETS", SECRET, "OPP_TRUSTED_PROXIES", " 10.0.0.7, fd00::/8 "),
            Optional.empty());
    assertEquals("10.0.0.7,fd00::/8", config.trustedProxies().toString());
    assertTrue(config.toString().contains("trustedProxies=10.0.0.7,fd00::/8"), config.toString());
    AppConfig.InvalidConfigException e =
        assertThrows(
            AppConfig.InvalidConfigException.class,
            () ->
                AppConfig.load(
                    Map.of(
                        "OPP_INTERNAL_SECRETS",
                        SECRET,
                        "OPP_TRUSTED_PROXIES",
                        "10.0.0.7, balancer.internal",
                        "OPP_STOP_DRAIN",
                        "soon"),
                    Optional.empty()));
    assertEquals(2, e.problems().size(), e.problems().toString());
    assertEquals(
        "OPP_TRUSTED_PROXIES: 'balancer.internal' is not an IP address or a CIDR range; give"
            + " comma-separated addresses or CIDR ranges such as 10.0.0.7, 10.0.0.0/8,"
            + " 2001:db8::/32",
        e.problems().get(0));
    assertTrue(e.problems().get(1).startsWith("OPP_STOP_DRAIN"), e.problems().toString());
  }
}
