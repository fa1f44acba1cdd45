import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client of bench/section5 (CONTRACT §5's numbers), one connection (HTTP/1.1 keep-alive), one
 * request at a time, timed from before the send to after the whole answer is read:
 *
 * <pre>
 *   java bench/Section5.java batch   URL SECRET CODES WARMUP REPS  # 500 single PUTs vs one batch of 500
 *   java bench/Section5.java history URL SECRET CODE  WARMUP REPS [BEFORE]  # newest page, before=BEFORE
 * </pre>
 *
 * Every answer is checked (200, every item "0", 20 history items): a fast wrong answer is no
 * figure. Prints one line per series (mean, p50, p99, max in ms) and RESULT lines that the script
 * reads. Not a test: nothing asserts a time.
 */
public final class Section5 {
  private static final String UPDATE = "/api/opportunities/integration/update";
  private static final String BATCH = "/api/opportunities/integration/batch-update";
  private static final int ITEMS = 500;
  private static final String[] STAGES = {
    "discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"
  };
  private static final String[] STATUSES = {"active", "closed", "won", "lost"};
  private static final String[] DESCRIPTIONS = {
    "客户已完成技术评审", "外部系统回写成交结果", "招标文件已发布，等待开标", "商务条款谈判中", "OMS 已确认订单"
  };
  private static final Pattern ITEM_OK = Pattern.compile("\\{\"code\":\"0\"");

  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String url;
  private final String secret;
  private final SplittableRandom random = new SplittableRandom(14);

  private Section5(String url, String secret) {
    this.url = url;
    this.secret = secret;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 6 || args.length > 7) {
      System.err.println(
          "usage: java bench/Section5.java batch|history URL SECRET CODES|CODE WARMUP REPS [BEFORE]");
      System.exit(2);
    }
    Section5 bench = new Section5(args[1], args[2]);
    int warmup = Integer.parseInt(args[4]);
    int reps = Integer.parseInt(args[5]);
    switch (args[0]) {
      case "batch" -> bench.batch(Integer.parseInt(args[3]), warmup, reps);
      case "history" ->
          bench.history(args[3], warmup, reps, args.length > 6 ? Long.parseLong(args[6]) : 50_000);
      default -> throw new IllegalArgumentException("batch or history: " + args[0]);
    }
  }

  /**
   * 500 items applied two ways, interleaved: one batch request each repetition, and every fifth
   * repetition the same kind of 500 items as 500 single PUTs. Each repetition draws 500 distinct
   * codes and new values, so that every item changes its opportunity (a version, a history record).
   */
  private void batch(int codes, int warmup, int reps) throws Exception {
    if (codes < ITEMS) throw new IllegalArgumentException("at least " + ITEMS + " codes");
    for (int i = 0; i < warmup; i++) {
      batchOnce(items(codes));
      if (i % 5 == 0) singlesOnce(items(codes));
    }
    List<Double> batchMs = new ArrayList<>();
    List<Double> singlesMs = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      batchMs.add(batchOnce(items(codes)));
      if (i % 5 == 0) singlesMs.add(singlesOnce(items(codes)));
    }
    double[] singles = summary("500 single PUTs, one connection", singlesMs);
    double[] batch = summary("one batch-update of 500 items", batchMs);
    System.out.printf(
        Locale.ROOT,
        "RESULT batch singles_mean=%.3f singles_p50=%.3f singles_p99=%.3f batch_mean=%.3f batch_p50=%.3f"
            + " batch_p99=%.3f batch_max=%.3f ratio_mean=%.2f ratio_p50=%.2f singles_n=%d batch_n=%d%n",
        singles[0], singles[1], singles[2], batch[0], batch[1], batch[2], batch[3],
        singles[0] / batch[0], singles[1] / batch[1], singlesMs.size(), batchMs.size());
  }

  private double batchOnce(List<String> items) throws Exception {
    String body = "[" + String.join(",", items) + "]";
    long started = System.nanoTime();
    HttpResponse<String> answer = send(put(BATCH, body));
    double ms = (System.nanoTime() - started) / 1e6;
    int ok = count(ITEM_OK, answer.body());
    if (answer.statusCode() != 200 || ok != ITEMS + 1)
      throw new IllegalStateException(
          "batch: status " + answer.statusCode() + ", " + (ok - 1) + " items ok: " + head(answer));
    return ms;
  }

  private double singlesOnce(List<String> items) throws Exception {
    long started = System.nanoTime();
    for (String item : items) {
      HttpResponse<String> answer = send(put(UPDATE, item));
      if (answer.statusCode() != 200 || !answer.body().startsWith("{\"code\":\"0\""))
        throw new IllegalStateException("single: status " + answer.statusCode() + ": " + head(answer));
    }
    return (System.nanoTime() - started) / 1e6;
  }

  /** 500 bodies of distinct codes, in the shapes of bench/put.lua. */
  private List<String> items(int codes) {
    int[] picked = random.ints(1, codes + 1).distinct().limit(ITEMS).toArray();
    List<String> items = new ArrayList<>(ITEMS);
    for (int code : picked) {
      String tail =
          random.nextBoolean()
              ? String.format(
                  ",\"confidencePct\":\"%s\",\"description\":\"%s\"",
                  "ABC".charAt(random.nextInt(3)), DESCRIPTIONS[random.nextInt(DESCRIPTIONS.length)])
              : String.format(
                  Locale.ROOT,
                  ",\"pushedToOms\":true,\"omsPushTime\":\"2026-%02d-%02dT%02d:%02d:00+08:00\"",
                  1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60));
      items.add(
          String.format(
              Locale.ROOT,
              "{\"opportunityCode\":\"BENCH-%07d\",\"stage\":\"%s\",\"status\":\"%s\",\"amount\":%d.%02d,"
                  + "\"expectedCloseDate\":\"%d-%02d-%02d\"%s}",
              code, STAGES[random.nextInt(STAGES.length)], STATUSES[random.nextInt(STATUSES.length)],
              1000 + random.nextInt(99_999_000), random.nextInt(100), 2026 + random.nextInt(2),
              1 + random.nextInt(12), 1 + random.nextInt(28), tail));
    }
    return items;
  }

  /** The newest page and a page deep in the history ({@code before}, default 50000), alternately. */
  private void history(String code, int warmup, int reps, long before) throws Exception {
    String base = url + "/api/opportunities/integration/" + code + "/history";
    for (int i = 0; i < warmup; i++) {
      historyOnce(base, -1);
      historyOnce(base, before);
    }
    List<Double> newest = new ArrayList<>();
    List<Double> deep = new ArrayList<>();
    for (int i = 0; i < reps; i++) {
      newest.add(historyOnce(base, -1));
      deep.add(historyOnce(base, before));
    }
    double[] n = summary("newest page (limit 20)", newest);
    double[] d = summary("before=" + before + " (limit 20)", deep);
    System.out.printf(
        Locale.ROOT,
        "RESULT history newest_mean=%.3f newest_p50=%.3f newest_p99=%.3f newest_max=%.3f deep_mean=%.3f"
            + " deep_p50=%.3f deep_p99=%.3f deep_max=%.3f n=%d%n",
        n[0], n[1], n[2], n[3], d[0], d[1], d[2], d[3], newest.size());
  }

  private static final Pattern VERSION = Pattern.compile("\\{\"version\":(\\d+)");

  private double historyOnce(String base, long before) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(before < 0 ? base : base + "?before=" + before))
            .header("X-Internal-Secret", secret)
            .GET()
            .build();
    long started = System.nanoTime();
    HttpResponse<String> answer = send(request);
    double ms = (System.nanoTime() - started) / 1e6;
    Matcher first = VERSION.matcher(answer.body());
    int items = count(VERSION, answer.body());
    if (answer.statusCode() != 200 || items != 20 || !first.find()
        || (before > 0 && Long.parseLong(first.group(1)) != before - 1))
      throw new IllegalStateException("history: status " + answer.statusCode() + ", " + items + " items: " + head(answer));
    return ms;
  }

  private HttpRequest put(String path, String body) {
    return HttpRequest.newBuilder(URI.create(url + path))
        .header("Content-Type", "application/json")
        .header("X-Internal-Secret", secret)
        .PUT(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static int count(Pattern pattern, String text) {
    int n = 0;
    for (Matcher m = pattern.matcher(text); m.find(); ) n++;
    return n;
  }

  private static String head(HttpResponse<String> answer) {
    String body = answer.body();
    return body.length() > 300 ? body.substring(0, 300) + "…" : body;
  }

  /** Prints and returns mean, p50, p99, max (ms). */
  private static double[] summary(String what, List<Double> ms) {
    double[] sorted = ms.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double mean = Arrays.stream(sorted).average().orElse(Double.NaN);
    double[] s = {mean, percentile(sorted, 50), percentile(sorted, 99), sorted[sorted.length - 1]};
    System.out.printf(
        Locale.ROOT, "%-34s n=%5d  mean %9.3f ms  p50 %9.3f ms  p99 %9.3f ms  max %9.3f ms%n",
        what, sorted.length, s[0], s[1], s[2], s[3]);
    return s;
  }

  /** The nearest-rank percentile. */
  private static double percentile(double[] sorted, double p) {
    int rank = (int) Math.ceil(p / 100 * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
