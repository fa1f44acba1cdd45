package cn.opportunity.integration.domain.testing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every secret the test suite configures or is handed, in one place: tests take their secrets from
 * here, and {@code SecretHygieneIT} (bootstrap) looks for each of {@link #ALL} in everything the
 * suite printed. A secret written as a literal in some test would escape that check.
 */
public final class TestSecrets {
  /** An accepted {@code X-Internal-Secret} (at least 32 characters). */
  public static final String INTERNAL = "internal-secret-7d1c0e5a9b3f4e2d8c6a1b0f";

  /** The second accepted one, as during a rotation. */
  public static final String ROTATED_INTERNAL = "rotated-secret-2b9e4f7a0c3d6e1f5a8b2c9d4e";

  /**
   * Too short to be accepted (fewer than 32 characters): configuring it fails, and must not print
   * it.
   */
  public static final String TOO_SHORT_INTERNAL = "short-secret-4e7a9c1d0b3f";

  public static final String XIAOMAN_CLIENT_SECRET = "xiaoman-client-secret-5b8e2f71c4a9";

  /** A client secret Xiaoman does not know. */
  public static final String WRONG_XIAOMAN_CLIENT_SECRET = "xiaoman-wrong-client-secret-3c9d8a2e";

  public static final String XIAOMAN_PASSWORD = "xiaoman-password-9a4f6e13d7b2";

  /** What the password grant sends instead of the password: its SHA-256, lower-case hex. */
  public static final String XIAOMAN_PASSWORD_SHA256 = sha256Hex(XIAOMAN_PASSWORD);

  /** Every access token the fake Xiaoman issues starts with this. */
  public static final String ACCESS_TOKEN_STEM = "fake-access-token-";

  /** Every refresh token the fake Xiaoman issues starts with this. */
  public static final String REFRESH_TOKEN_STEM = "fake-refresh-token-";

  /** Each secret by its name here: what must never be printed. */
  public static final Map<String, String> ALL = all();

  private TestSecrets() {}

  private static Map<String, String> all() {
    Map<String, String> all = new LinkedHashMap<>();
    all.put("INTERNAL", INTERNAL);
    all.put("ROTATED_INTERNAL", ROTATED_INTERNAL);
    all.put("TOO_SHORT_INTERNAL", TOO_SHORT_INTERNAL);
    all.put("XIAOMAN_CLIENT_SECRET", XIAOMAN_CLIENT_SECRET);
    all.put("WRONG_XIAOMAN_CLIENT_SECRET", WRONG_XIAOMAN_CLIENT_SECRET);
    all.put("XIAOMAN_PASSWORD", XIAOMAN_PASSWORD);
    all.put("XIAOMAN_PASSWORD_SHA256", XIAOMAN_PASSWORD_SHA256);
    all.put("ACCESS_TOKEN_STEM", ACCESS_TOKEN_STEM);
    all.put("REFRESH_TOKEN_STEM", REFRESH_TOKEN_STEM);
    return Collections.unmodifiableMap(all);
  }

  private static String sha256Hex(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
