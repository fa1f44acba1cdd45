package cn.opportunity.integration.bench.jmh;

import cn.opportunity.integration.domain.NewOpportunity;
import cn.opportunity.integration.domain.testing.Opportunities;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Typical update bodies, as bench/put.lua sends them: an opportunity code and six fields (stage,
 * status, amount with two decimals, expected close date, then either confidence and description or
 * pushedToOms and omsPushTime), with random values from a fixed seed.
 */
final class TypicalBodies {
  static final String[] STAGES = {
    "discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"
  };
  static final String[] STATUSES = {"active", "closed", "won", "lost"};
  static final String[] CONFIDENCES = {"A", "B", "C"};
  static final String[] DESCRIPTIONS = {
    "客户已完成技术评审", "外部系统回写成交结果", "招标文件已发布，等待开标", "商务条款谈判中", "OMS 已确认订单"
  };

  private TypicalBodies() {}

  /** The code of the {@code n}-th seeded opportunity (1-based), as bench/Gen.java writes it. */
  static String code(int n) {
    return String.format("BENCH-%07d", n);
  }

  /** The opportunities with the codes 1..codes, for a store the bodies can update. */
  static List<NewOpportunity> seeded(int codes) {
    List<NewOpportunity> seeded = new ArrayList<>(codes);
    for (int n = 1; n <= codes; n++)
      seeded.add(Opportunities.anOpportunity().code(code(n)).build());
    return seeded;
  }

  /** {@code count} bodies over the codes 1..codes. */
  static byte[][] generate(int count, int codes, long seed) {
    Random random = new Random(seed);
    byte[][] bodies = new byte[count][];
    for (int i = 0; i < count; i++) {
      StringBuilder json =
          new StringBuilder(256)
              .append("{\"opportunityCode\":\"")
              .append(code(1 + random.nextInt(codes)))
              .append("\",\"stage\":\"")
              .append(pick(random, STAGES))
              .append("\",\"status\":\"")
              .append(pick(random, STATUSES))
              .append("\",\"amount\":")
              .append(1000 + random.nextInt(99_999_000))
              .append('.')
              .append(String.format("%02d", random.nextInt(100)))
              .append(",\"expectedCloseDate\":\"")
              .append(
                  String.format(
                      "%d-%02d-%02d",
                      2026 + random.nextInt(2), 1 + random.nextInt(12), 1 + random.nextInt(28)))
              .append('"');
      if (random.nextBoolean()) {
        json.append(",\"confidencePct\":\"")
            .append(pick(random, CONFIDENCES))
            .append("\",\"description\":\"")
            .append(pick(random, DESCRIPTIONS))
            .append('"');
      } else {
        json.append(",\"pushedToOms\":true,\"omsPushTime\":\"")
            .append(
                String.format(
                    "2026-%02d-%02dT%02d:%02d:00+08:00",
                    1 + random.nextInt(12),
                    1 + random.nextInt(28),
                    random.nextInt(24),
                    random.nextInt(60)))
            .append('"');
      }
      bodies[i] = json.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }
    return bodies;
  }

  private static String pick(Random random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
