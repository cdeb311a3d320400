package com.clidecoder.hls.reliability;

import com.clidecoder.hls.testkit.FakeAnthropic;
import com.clidecoder.hls.testkit.FakeGitHub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fake Anthropic and GitHub of a suite, the config that points the service at them, and what Claude was asked when. */
final class Fakes implements AutoCloseable {
  static final String TOKEN = "test-gh-reliability_token_for_the_fake_only";
  private static final Pattern DELIVERY = Pattern.compile("rel-delivery-([\\w.-]+)");

  /** One request to the fake Anthropic: when, for which delivery, and what it was answered. */
  record ClaudeCall(long atMillis, String deliveryId, int status, long retryAfterMillis) {}

  final FakeAnthropic anthropic = FakeAnthropic.start();
  final FakeGitHub github = FakeGitHub.start(TOKEN);
  private final List<ClaudeCall> calls = new ArrayList<>();

  /** Every Claude request is answered by {@code answer} (given the delivery id) and recorded. */
  Fakes answering(Function<String, FakeAnthropic.Answer> answer) {
    anthropic.answerAll(r -> {
      long now = System.currentTimeMillis();
      Matcher m = DELIVERY.matcher(r.body());
      String id = m.find() ? m.group(1) : "?";
      FakeAnthropic.Answer a = answer.apply(id);
      String retryAfter = a.headers().get("retry-after");
      synchronized (calls) {
        calls.add(new ClaudeCall(now, id, a.status(), retryAfter == null ? 0 : Long.parseLong(retryAfter) * 1000));
      }
      return a;
    });
    return this;
  }

  List<ClaudeCall> calls() {
    synchronized (calls) {
      return List.copyOf(calls);
    }
  }

  static FakeAnthropic.Answer analysis(String deliveryId) {
    return FakeAnthropic.jsonAnswer(FakeAnthropic.analysisJson("A crash on start.", List.of("bug"),
        "Triage note for " + deliveryId + ".", "high", 0.9), 1200, 300);
  }

  /** An issue payload whose title carries the delivery id, so the fake can tell which event Claude was asked about. */
  static String issue(String repo, int number, String deliveryId) {
    return com.clidecoder.hls.testkit.Payloads.issue(repo, number, "opened", "Crash rel-delivery-" + deliveryId,
        "NullPointerException at Main.java:1");
  }

  String config(Path db, String extra) {
    return String.join("\n",
        "hls.database.path = \"" + db + "\"",
        "hls.claude.api-url = \"" + anthropic.url() + "\"",
        "hls.claude.api-key = \"test-ant-reliability-only\"",
        "hls.claude.daily-budget-usd = 1000",
        "hls.github.api-url = \"" + github.url() + "\"",
        "hls.github.token = \"" + TOKEN + "\"",
        "hls.github.write-interval = 0ms",
        "hls.workers.poll-interval = 500ms",
        extra);
  }

  @Override
  public void close() {
    anthropic.close();
    github.close();
  }
}
