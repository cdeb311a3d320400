package com.clidecoder.hls.claude;

import com.clidecoder.hls.claude.AnalysisOutcome.Failure;
import com.clidecoder.hls.claude.ClaudeAnalyst.FailureKind;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a non-2xx answer of the Messages API into a failure kind. The rules follow Anthropic's error
 * and rate-limit documentation: 429/5xx/529 are transient; a 429 <em>without</em> retry-after that
 * reports the spend cap ({@code error.details.error_code = enforced_spend_limit_reached}) lasts until the
 * cap resets, and a 400 saying a user-set usage limit is reached likewise, so both pause analysis
 * rather than burn every queued event's retries; 401/403 mean the key is wrong for everyone. 5xx and
 * 529 (overloaded) say nothing about the event: they are an outage, retried briefly by the client and
 * then a pause ({@link FailureKind#PAUSE_OUTAGE}); their retry-after is kept for that retry.
 */
final class ApiErrors {
  private static final Pattern SPEND_429 = Pattern.compile("(?i)(spend|usage)\\s+limit");
  private static final Pattern SPEND_400 = Pattern.compile("(?i)reached your specified .*usage limit");
  private static final int MAX_DETAIL_CHARS = 300;

  private ApiErrors() {}

  /** The error object of an error body: {@code {"type":"error","error":{"type":..,"message":..}}}. */
  record ApiError(String type, String message, String errorCode) {
    static ApiError parse(String body) {
      try {
        JsonNode root = Json.MAPPER.readTree(body);
        JsonNode error = root == null ? null : root.get("error");
        if (error != null && error.isObject()) {
          return new ApiError(
              error.path("type").asText(""),
              error.path("message").asText(""),
              error.path("details").path("error_code").asText(""));
        }
      } catch (Exception notJson) {
        // Proxies and load balancers answer with HTML or plain text; the body itself is then the detail.
      }
      return new ApiError("", printable(body), "");
    }

    String describe(int status) {
      StringBuilder s = new StringBuilder("Anthropic API ").append(status);
      if (!type.isEmpty()) s.append(' ').append(type);
      if (!message.isEmpty()) s.append(": ").append(message);
      return s.toString();
    }
  }

  static Failure classify(int status, Optional<String> retryAfterHeader, String body, Instant now) {
    Optional<Duration> retryAfter = retryAfterHeader.flatMap(h -> parseRetryAfter(h, now));
    ApiError error = ApiError.parse(body);
    String message = error.describe(status);
    FailureKind kind = kindOf(status, retryAfter.isPresent(), error);
    boolean waits = kind == FailureKind.RETRYABLE || kind == FailureKind.PAUSE_OUTAGE;
    return new Failure(kind, message, waits ? retryAfter : Optional.empty(), Optional.empty());
  }

  private static FailureKind kindOf(int status, boolean hasRetryAfter, ApiError error) {
    if (status == 401 || status == 403) return FailureKind.PAUSE_AUTH;
    if (status == 402) return FailureKind.PAUSE_SPEND_LIMIT; // billing_error: nothing succeeds until it is fixed
    if (status == 429) {
      boolean spend =
          "enforced_spend_limit_reached".equals(error.errorCode())
              || SPEND_429.matcher(error.message()).find();
      return !hasRetryAfter && spend ? FailureKind.PAUSE_SPEND_LIMIT : FailureKind.RETRYABLE;
    }
    if (status == 400 && SPEND_400.matcher(error.message()).find()) return FailureKind.PAUSE_SPEND_LIMIT;
    if (status >= 500) return FailureKind.PAUSE_OUTAGE; // 500, 502, 503, 504, 529 overloaded
    if (status == 408 || status == 409) return FailureKind.RETRYABLE;
    return FailureKind.PERMANENT; // 400, 404, 413 and any other client error: the same request fails again
  }

  /** {@code retry-after} as seconds (Anthropic's form) or, per RFC 9110, an HTTP date. */
  static Optional<Duration> parseRetryAfter(String value, Instant now) {
    String v = value.trim();
    try {
      double seconds = Double.parseDouble(v);
      if (Double.isNaN(seconds) || seconds < 0) return Optional.empty();
      return Optional.of(Duration.ofMillis((long) Math.ceil(seconds * 1000)));
    } catch (NumberFormatException notSeconds) {
      try {
        Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        Duration d = Duration.between(now, at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  /** A short, single-line excerpt of an unexpected body for an error message. */
  static String printable(String body) {
    String oneLine = body.replaceAll("\\s+", " ").strip();
    return oneLine.length() <= MAX_DETAIL_CHARS ? oneLine : oneLine.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
