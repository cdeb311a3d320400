package com.clidecoder.hls.claude;

import com.clidecoder.hls.testkit.FakeAnthropic;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.claude.ClaudeAnalyst.FailureKind;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiErrorsTest {
  static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  private static String body(String type, String message) {
    return FakeAnthropic.error(0, type, message).body();
  }

  @Test
  void retryAfterAcceptsSecondsAndHttpDates() {
    assertEquals(Optional.of(Duration.ofSeconds(20)), ApiErrors.parseRetryAfter("20", NOW));
    assertEquals(Optional.of(Duration.ofMillis(1500)), ApiErrors.parseRetryAfter("1.5", NOW));
    assertEquals(Optional.of(Duration.ofSeconds(90)), ApiErrors.parseRetryAfter("Sun, 01 Mar 2026 12:01:30 GMT", NOW));
    assertEquals(Optional.of(Duration.ZERO), ApiErrors.parseRetryAfter("Sun, 01 Mar 2026 11:00:00 GMT", NOW));
    assertEquals(Optional.empty(), ApiErrors.parseRetryAfter("soon", NOW));
    assertEquals(Optional.empty(), ApiErrors.parseRetryAfter("-3", NOW));
  }

  @Test
  void userSetSpendLimitAnswered400PausesInsteadOfFailingEveryEvent() {
    Failure f = ApiErrors.classify(400, Optional.empty(), body("invalid_request_error",
        "You have reached your specified API usage limits. You will regain access on 2026-04-01 at 00:00 UTC."), NOW);
    assertEquals(FailureKind.PAUSE_SPEND_LIMIT, f.kind());
  }

  @Test
  void ordinary400StaysPermanent() {
    assertEquals(FailureKind.PERMANENT,
        ApiErrors.classify(400, Optional.empty(), body("invalid_request_error", "messages: too short"), NOW).kind());
  }

  @Test
  void spendWordingWithRetryAfterIsAnOrdinaryRateLimit() {
    Failure f = ApiErrors.classify(429, Optional.of("5"), body("rate_limit_error", "workspace usage limit"), NOW);
    assertEquals(FailureKind.RETRYABLE, f.kind());
    assertEquals(Optional.of(Duration.ofSeconds(5)), f.retryAfter());
  }

  @Test
  void billingErrorPausesAnalysis() {
    assertEquals(FailureKind.PAUSE_SPEND_LIMIT,
        ApiErrors.classify(402, Optional.empty(), body("billing_error", "Your credit balance is too low"), NOW).kind());
  }

  @Test
  void retryAfterIsOnlyPassedOnForRetryableFailures() {
    Failure f = ApiErrors.classify(401, Optional.of("60"), body("authentication_error", "invalid x-api-key"), NOW);
    assertEquals(FailureKind.PAUSE_AUTH, f.kind());
    assertEquals(Optional.empty(), f.retryAfter());
  }

  @Test
  void messageNamesStatusTypeAndApiMessage() {
    Failure f = ApiErrors.classify(404, Optional.empty(), body("not_found_error", "model: claude-nope"), NOW);
    assertEquals("Anthropic API 404 not_found_error: model: claude-nope", f.message());
    assertTrue(ApiErrors.classify(503, Optional.empty(), "", NOW).message().startsWith("Anthropic API 503"));
  }
}
