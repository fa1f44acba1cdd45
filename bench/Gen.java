import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Writes the bench's seed: COUNT opportunities as JSON Lines in the format of the jar's
 * {@code import} command, codes BENCH-0000001 … BENCH-COUNT (what bench/put.lua sends), values
 * random from a fixed seed, so the first 100,000 lines of the 1,000,000 file are the 100,000 file.
 * Another SEED gives the same codes with other values and no final customer (which an update may
 * not change): imported over the first, every line is an update (bench/import).
 *
 * <p>Usage: {@code java bench/Gen.java COUNT FILE [SEED]}
 */
public final class Gen {
  private static final String[] STAGES = {"discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"};
  private static final String[] STATUSES = {"active", "active", "active", "closed", "won", "lost"};
  private static final String[] CITIES = {"上海", "北京", "杭州", "苏州", "南京", "深圳", "成都", "武汉"};
  private static final String[] PROJECTS = {"智慧园区", "能源监测", "运维平台", "数据中心", "安防改造", "办公网络"};
  private static final String[] CUSTOMERS = {"城投集团", "能源公司", "地铁集团", "电网有限公司", "产业园发展有限公司"};
  private static final String[] CONFIDENCES = {"A", "B", "C"};

  public static void main(String[] args) throws IOException {
    if (args.length != 2 && args.length != 3) {
      System.err.println("Usage: java Gen.java COUNT FILE [SEED]");
      System.exit(2);
    }
    int count = Integer.parseInt(args[0]);
    boolean updates = args.length == 3;
    SplittableRandom random = new SplittableRandom(updates ? Long.parseLong(args[2]) : 20260401);
    try (BufferedWriter out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
      for (int n = 1; n <= count; n++) {
        String city = pick(random, CITIES);
        String project = pick(random, PROJECTS);
        int phase = 1 + random.nextInt(5);
        String customer = city + pick(random, CUSTOMERS);
        out.write(String.format(
            "{\"opportunityCode\":\"BENCH-%07d\",\"opportunityName\":\"%s%s%d期\",%s"
                + "\"projectLocation\":\"%s\",\"amount\":%d.%02d,\"expectedCloseDate\":\"%d-%02d-%02d\","
                + "\"confidencePct\":\"%s\",\"stage\":\"%s\",\"status\":\"%s\",\"salesExpansionId\":%d}%n",
            n, city, project, phase, updates ? "" : "\"finalCustomerName\":\"" + customer + "\",",
            city, 1000 + random.nextInt(99_999_000), random.nextInt(100),
            2026 + random.nextInt(2), 1 + random.nextInt(12), 1 + random.nextInt(28),
            pick(random, CONFIDENCES), pick(random, STAGES), pick(random, STATUSES), 1000 + random.nextInt(9000)));
      }
    }
  }

  private static String pick(SplittableRandom random, String[] values) {
    return values[random.nextInt(values.length)];
  }
}
