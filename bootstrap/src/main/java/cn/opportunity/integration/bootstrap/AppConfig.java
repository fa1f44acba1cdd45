package cn.opportunity.integration.bootstrap;

import cn.opportunity.integration.adapter.http.HttpApiConfig;
import cn.opportunity.integration.adapter.http.TrustedProxies;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The configuration of CONTRACT.md §3, from environment variables (a properties file may supply the
 * same keys; the environment wins). Validated all at once: every problem is named by its variable.
 * {@link #toString()} never shows a secret.
 */
public record AppConfig(
    String httpHost,
    int httpPort,
    String dbUrl,
    List<String> internalSecrets,
    ZoneId timezone,
    DictionarySource dictionary,
    Optional<Path> stagesFile,
    XiaomanSettings xiaoman,
    Optional<Duration> historyRetention,
    TrustedProxies trustedProxies,
    Duration stopDrain,
    DbLogin dbLogin,
    boolean metrics) {

  public static final int MIN_SECRET_LENGTH = 32;
  public static final String DEFAULT_DB_URL = "jdbc:sqlite:data/opportunities.db";

  /** The prefix of a PostgreSQL {@code OPP_DB_URL} (CONTRACT §6). */
  public static final String POSTGRES_URL_PREFIX = "jdbc:postgresql://";

  /**
   * How the service logs in to a PostgreSQL {@code OPP_DB_URL} (CONTRACT §6): {@code OPP_DB_USER},
   * {@code OPP_DB_PASSWORD} (never printed) and {@code OPP_DB_POOL_SIZE}; unused with SQLite.
   */
  public record DbLogin(String user, String password, int poolSize) {
    public static final int DEFAULT_POOL_SIZE = 10;
    static final DbLogin NONE = new DbLogin("", "", DEFAULT_POOL_SIZE);

    @Override
    public String toString() {
      return "DbLogin[user="
          + (user.isEmpty() ? "-" : user)
          + ", password="
          + (password.isEmpty() ? "-" : "***")
          + ", poolSize="
          + poolSize
          + "]";
    }
  }

  public enum DictionarySource {
    LOCAL,
    XIAOMAN
  }

  /** The Xiaoman open API settings; used when {@code OPP_DICTIONARY=xiaoman}. */
  public record XiaomanSettings(
      String baseUrl,
      Optional<String> clientId,
      Optional<String> clientSecret,
      String grantType,
      Optional<String> username,
      Optional<String> password,
      String scope,
      List<String> flowIds,
      Duration refreshInterval,
      Duration connectTimeout,
      Duration requestTimeout) {
    @Override
    public String toString() {
      return "XiaomanSettings[baseUrl="
          + baseUrl
          + ", clientId="
          + clientId.orElse("-")
          + ", grantType="
          + grantType
          + ", username="
          + username.orElse("-")
          + ", scope="
          + scope
          + ", flowIds="
          + flowIds
          + ", refreshInterval="
          + refreshInterval
          + ", connectTimeout="
          + connectTimeout
          + ", requestTimeout="
          + requestTimeout
          + "]";
    }
  }

  /**
   * The configuration is wrong: {@link #problems()} names each variable and what is wrong with it.
   */
  public static final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    InvalidConfigException(List<String> problems) {
      super("invalid configuration: " + String.join("; ", problems), null, false, false);
      this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
      return problems;
    }
  }

  /**
   * The server's configuration from {@code environment}, over the keys of {@code propertiesFile}.
   */
  public static AppConfig load(Map<String, String> environment, Optional<Path> propertiesFile) {
    return from(merge(environment, propertiesFile), true);
  }

  /** Like {@link #load}, for commands that run no server: no secret is required. */
  public static AppConfig loadWithoutSecrets(
      Map<String, String> environment, Optional<Path> propertiesFile) {
    return from(merge(environment, propertiesFile), false);
  }

  private static Map<String, String> merge(
      Map<String, String> environment, Optional<Path> propertiesFile) {
    Map<String, String> values = new HashMap<>();
    propertiesFile.ifPresent(file -> values.putAll(readProperties(file)));
    environment.forEach(
        (key, value) -> {
          if (key.startsWith("OPP_") || key.startsWith("XIAOMAN_")) values.put(key, value);
        });
    return values;
  }

  private static Map<String, String> readProperties(Path file) {
    Properties properties = new Properties();
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new InvalidConfigException(
          List.of("--config " + file + ": cannot be read (" + e.getMessage() + ")"));
    }
    Map<String, String> values = new HashMap<>();
    properties
        .stringPropertyNames()
        .forEach(name -> values.put(name, properties.getProperty(name)));
    return values;
  }

  static AppConfig from(Map<String, String> values, boolean secretsRequired) {
    Values reader = new Values(values);
    String host = reader.text("OPP_HTTP_HOST", "0.0.0.0");
    int port = reader.port("OPP_HTTP_PORT", 8080);
    String dbUrl = reader.text("OPP_DB_URL", DEFAULT_DB_URL);
    DbLogin dbLogin = dbLogin(dbUrl, reader);
    List<String> secrets = reader.list("OPP_INTERNAL_SECRETS");
    if (secretsRequired && secrets.isEmpty())
      reader.problem(
          "OPP_INTERNAL_SECRETS is required: one or more comma-separated secrets of at least "
              + MIN_SECRET_LENGTH
              + " characters");
    List<HttpApiConfig.Caller> callers = callers(secrets);
    for (int i = 0; i < callers.size(); i++) {
      if (callers.get(i).secret().length() < MIN_SECRET_LENGTH)
        reader.problem(
            "OPP_INTERNAL_SECRETS: secret #"
                + (i + 1)
                + (callers.get(i).name().startsWith("caller-")
                    ? ""
                    : " (" + callers.get(i).name() + ")")
                + " is "
                + callers.get(i).secret().length()
                + " characters long; each needs at least "
                + MIN_SECRET_LENGTH);
    }
    ZoneId zone = reader.zone("OPP_TIMEZONE", "Asia/Shanghai");
    DictionarySource dictionary = reader.dictionarySource("OPP_DICTIONARY");
    Optional<Path> stagesFile = reader.optional("OPP_STAGES_FILE").map(Path::of);
    stagesFile.ifPresent(
        file -> {
          if (!Files.isReadable(file))
            reader.problem("OPP_STAGES_FILE: " + file + " is not a readable file");
        });
    XiaomanSettings xiaoman =
        new XiaomanSettings(
            reader.text("XIAOMAN_BASE_URL", "https://api-sandbox.xiaoman.cn"),
            reader.optional("XIAOMAN_CLIENT_ID"),
            reader.optional("XIAOMAN_CLIENT_SECRET"),
            reader.text("XIAOMAN_GRANT_TYPE", "client_credentials"),
            reader.optional("XIAOMAN_USERNAME"),
            reader.optional("XIAOMAN_PASSWORD"),
            reader.text("XIAOMAN_SCOPE", "opportunity"),
            reader.list("XIAOMAN_FLOW_IDS"),
            reader.duration("XIAOMAN_REFRESH_INTERVAL", Duration.ofMinutes(10)),
            reader.duration("XIAOMAN_CONNECT_TIMEOUT", Duration.ofSeconds(3)),
            reader.duration("XIAOMAN_REQUEST_TIMEOUT", Duration.ofSeconds(10)));
    if (dictionary == DictionarySource.XIAOMAN) checkXiaoman(xiaoman, reader);
    Optional<Duration> retention =
        reader
            .optional("OPP_HISTORY_RETENTION")
            .map(raw -> reader.duration("OPP_HISTORY_RETENTION", Duration.ZERO));
    TrustedProxies trustedProxies = reader.trustedProxies("OPP_TRUSTED_PROXIES");
    Duration stopDrain = reader.drain("OPP_STOP_DRAIN");
    boolean metrics = reader.flag("OPP_METRICS", true);
    reader.failIfAnyProblem();
    return new AppConfig(
        host,
        port,
        dbUrl,
        secrets,
        zone,
        dictionary,
        stagesFile,
        xiaoman,
        retention,
        trustedProxies,
        stopDrain,
        dbLogin,
        metrics);
  }

  /**
   * {@code OPP_DB_URL}'s kind, and the login of a PostgreSQL one: its user is required, its
   * password belongs in {@code OPP_DB_PASSWORD} (a URL is logged), and the login variables are
   * refused with SQLite, which would ignore them.
   */
  private static DbLogin dbLogin(String dbUrl, Values reader) {
    Optional<String> user = reader.optional("OPP_DB_USER");
    String password = Optional.ofNullable(reader.values.get("OPP_DB_PASSWORD")).orElse("");
    if (dbUrl.startsWith(POSTGRES_URL_PREFIX)) {
      if (dbUrl.toLowerCase(Locale.ROOT).contains("password="))
        reader.problem(
            "OPP_DB_URL must not carry a password (it is logged): set OPP_DB_PASSWORD instead");
      if (user.isEmpty())
        reader.problem("OPP_DB_USER is required with a " + POSTGRES_URL_PREFIX + " OPP_DB_URL");
      int poolSize = reader.positiveInt("OPP_DB_POOL_SIZE", DbLogin.DEFAULT_POOL_SIZE);
      return new DbLogin(user.orElse(""), password, poolSize);
    }
    if (!dbUrl.startsWith("jdbc:sqlite:"))
      reader.problem(
          "OPP_DB_URL must be a jdbc:sqlite: URL, e.g. "
              + DEFAULT_DB_URL
              + ", or a "
              + POSTGRES_URL_PREFIX
              + "host:port/database URL");
    else if (user.isPresent()
        || !password.isEmpty()
        || reader.optional("OPP_DB_POOL_SIZE").isPresent())
      reader.problem(
          "OPP_DB_USER, OPP_DB_PASSWORD and OPP_DB_POOL_SIZE apply to a "
              + POSTGRES_URL_PREFIX
              + " OPP_DB_URL only, not to SQLite");
    return DbLogin.NONE;
  }

  /**
   * The callers of the entries of {@code OPP_INTERNAL_SECRETS} (CONTRACT.md §5.1): {@code
   * name:secret} splits at the first colon when what is before it is a name; otherwise the whole
   * entry is a secret, named {@code caller-N} by its 1-based place.
   */
  static List<HttpApiConfig.Caller> callers(List<String> entries) {
    List<HttpApiConfig.Caller> callers = new ArrayList<>(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      String entry = entries.get(i);
      int colon = entry.indexOf(':');
      String name = colon < 0 ? "" : entry.substring(0, colon);
      if (colon >= 0 && HttpApiConfig.CALLER_NAME.matcher(name).matches())
        callers.add(new HttpApiConfig.Caller(name, entry.substring(colon + 1)));
      else callers.add(new HttpApiConfig.Caller("caller-" + (i + 1), entry));
    }
    return callers;
  }

  /** Who may call: {@link #callers(List)} of the configured entries. */
  public List<HttpApiConfig.Caller> callers() {
    return callers(internalSecrets);
  }

  /** What {@code OPP_DICTIONARY=xiaoman} needs: credentials, a known grant, a usable address. */
  private static void checkXiaoman(XiaomanSettings xiaoman, Values reader) {
    if (!xiaoman.baseUrl().matches("https?://[^\\s/]+.*"))
      reader.problem("XIAOMAN_BASE_URL must be an http(s) URL, not '" + xiaoman.baseUrl() + "'");
    if (xiaoman.clientId().isEmpty())
      reader.problem(
          "XIAOMAN_CLIENT_ID is required with OPP_DICTIONARY=xiaoman (OKKI 企业管理 → 外部对接 → API对接)");
    if (xiaoman.clientSecret().isEmpty())
      reader.problem(
          "XIAOMAN_CLIENT_SECRET is required with OPP_DICTIONARY=xiaoman (OKKI 企业管理 → 外部对接 → API对接)");
    switch (xiaoman.grantType()) {
      case "client_credentials" -> {}
      case "password" -> {
        if (xiaoman.username().isEmpty() || xiaoman.password().isEmpty())
          reader.problem(
              "XIAOMAN_USERNAME and XIAOMAN_PASSWORD are required with XIAOMAN_GRANT_TYPE=password");
      }
      default ->
          reader.problem(
              "XIAOMAN_GRANT_TYPE must be client_credentials or password, not '"
                  + xiaoman.grantType()
                  + "'");
    }
  }

  /** The same configuration listening elsewhere. */
  public AppConfig withHttp(String host, int port) {
    return new AppConfig(
        host,
        port,
        dbUrl,
        internalSecrets,
        timezone,
        dictionary,
        stagesFile,
        xiaoman,
        historyRetention,
        trustedProxies,
        stopDrain,
        dbLogin,
        metrics);
  }

  /**
   * The demo's configuration: this one on {@code dbUrl}, with one secret and the built-in
   * dictionary.
   */
  public AppConfig forDemo(String dbUrl, String secret) {
    return new AppConfig(
        httpHost,
        httpPort,
        dbUrl,
        List.of(secret),
        timezone,
        DictionarySource.LOCAL,
        Optional.empty(),
        xiaoman,
        historyRetention,
        trustedProxies,
        stopDrain,
        DbLogin.NONE,
        metrics);
  }

  @Override
  public String toString() {
    return "AppConfig[http="
        + httpHost
        + ":"
        + httpPort
        + ", db="
        + dbUrl
        + (dbUrl.startsWith(POSTGRES_URL_PREFIX) ? " " + dbLogin : "")
        + ", secrets="
        + internalSecrets.size()
        + " configured "
        + callers().stream().map(HttpApiConfig.Caller::name).distinct().toList()
        + ", timezone="
        + timezone
        + ", dictionary="
        + dictionary
        + ", stagesFile="
        + stagesFile.map(Path::toString).orElse("-")
        + ", historyRetention="
        + historyRetention.map(Duration::toString).orElse("forever")
        + ", trustedProxies="
        + trustedProxies
        + ", stopDrain="
        + stopDrain
        + ", metrics="
        + metrics
        + ", "
        + xiaoman
        + "]";
  }

  /** Reads typed values, collecting problems instead of failing on the first. */
  private static final class Values {
    private final Map<String, String> values;
    private final List<String> problems = new ArrayList<>();

    Values(Map<String, String> values) {
      this.values = values;
    }

    Optional<String> optional(String name) {
      return Optional.ofNullable(values.get(name)).map(String::strip).filter(v -> !v.isEmpty());
    }

    String text(String name, String fallback) {
      return optional(name).orElse(fallback);
    }

    List<String> list(String name) {
      return optional(name)
          .map(
              v ->
                  Arrays.stream(v.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList())
          .orElse(List.of());
    }

    int positiveInt(String name, int fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) return fallback;
      try {
        int value = Integer.parseInt(raw.get());
        if (value > 0) return value;
      } catch (NumberFormatException notANumber) {
        // reported below
      }
      problem(name + " must be a whole number above 0, not '" + raw.get() + "'");
      return fallback;
    }

    int port(String name, int fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) return fallback;
      try {
        int port = Integer.parseInt(raw.get());
        if (port >= 0 && port <= 65535) return port;
      } catch (NumberFormatException notANumber) {
        // reported below
      }
      problem(name + " must be a port number from 0 to 65535, not '" + raw.get() + "'");
      return fallback;
    }

    ZoneId zone(String name, String fallback) {
      String raw = text(name, fallback);
      try {
        return ZoneId.of(raw);
      } catch (DateTimeException e) {
        problem(name + " must be a time zone such as Asia/Shanghai or +08:00, not '" + raw + "'");
        return ZoneId.of(fallback);
      }
    }

    DictionarySource dictionarySource(String name) {
      String raw = text(name, "local");
      return switch (raw.toLowerCase(Locale.ROOT)) {
        case "local" -> DictionarySource.LOCAL;
        case "xiaoman" -> DictionarySource.XIAOMAN;
        default -> {
          problem(name + " must be local or xiaoman, not '" + raw + "'");
          yield DictionarySource.LOCAL;
        }
      };
    }

    Duration duration(String name, Duration fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) return fallback;
      try {
        Duration duration = Duration.parse(raw.get());
        if (!duration.isNegative() && !duration.isZero()) return duration;
      } catch (DateTimeParseException e) {
        // reported below
      }
      problem(
          name + " must be a positive ISO-8601 duration such as PT10M, not '" + raw.get() + "'");
      return fallback;
    }

    /** {@code OPP_TRUSTED_PROXIES}: comma-separated addresses or CIDR ranges; none by default. */
    TrustedProxies trustedProxies(String name) {
      try {
        return TrustedProxies.of(list(name));
      } catch (IllegalArgumentException e) {
        problem(
            name
                + ": "
                + e.getMessage()
                + "; give comma-separated addresses or CIDR ranges such as 10.0.0.7,"
                + " 10.0.0.0/8, 2001:db8::/32");
        return TrustedProxies.NONE;
      }
    }

    /** {@code true} or {@code false} (any case); {@code fallback} when unset. */
    boolean flag(String name, boolean fallback) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) return fallback;
      switch (raw.get().toLowerCase(Locale.ROOT)) {
        case "true":
          return true;
        case "false":
          return false;
        default:
          problem(name + " must be true or false, not '" + raw.get() + "'");
          return fallback;
      }
    }

    /** {@code OPP_STOP_DRAIN}: an ISO-8601 duration, zero or more; PT0S by default. */
    Duration drain(String name) {
      Optional<String> raw = optional(name);
      if (raw.isEmpty()) return Duration.ZERO;
      try {
        Duration duration = Duration.parse(raw.get());
        if (!duration.isNegative()) return duration;
      } catch (DateTimeParseException e) {
        // reported below
      }
      problem(
          name
              + " must be an ISO-8601 duration of zero or more such as PT0S or PT15S, not '"
              + raw.get()
              + "'");
      return Duration.ZERO;
    }

    void problem(String problem) {
      problems.add(problem);
    }

    void failIfAnyProblem() {
      if (!problems.isEmpty()) throw new InvalidConfigException(problems);
    }
  }
}
