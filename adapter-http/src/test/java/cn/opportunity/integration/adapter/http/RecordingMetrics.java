package cn.opportunity.integration.adapter.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** {@link HttpMetrics} that keeps what it is told and serves it back as its text. */
final class RecordingMetrics implements HttpMetrics {
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** One answered request as told. */
  record Answered(String route, int status, Outcome outcome, long nanos) {}

  final List<Answered> answered = new CopyOnWriteArrayList<>();

  @Override
  public void answered(String route, int status, Outcome outcome, long nanos) {
    answered.add(new Answered(route, status, outcome, nanos));
  }

  @Override
  public String scrape() {
    StringBuilder text = new StringBuilder("# TYPE answered counter\n");
    for (Answered a : answered)
      text.append("answered_total{route=\"")
          .append(a.route())
          .append("\",status=\"")
          .append(a.status())
          .append("\",outcome=\"")
          .append(a.outcome().label())
          .append("\"} 1\n");
    return text.toString();
  }

  @Override
  public String contentType() {
    return CONTENT_TYPE;
  }
}
