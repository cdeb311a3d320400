package com.clidecoder.hls.github;

import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a non-2xx GitHub answer: rate limit (primary or secondary) or plain error with GitHub's message.
 * The rules follow GitHub's "Rate limits for the REST API" page (API version 2022-11-28).
 */
final class ErrorAnswers {
  /** GitHub: "Otherwise, wait for at least one minute before retrying." */
  static final Duration SECONDARY_DEFAULT_WAIT = Duration.ofSeconds(60);
  /** A reset already in the past (clock skew) still waits a little rather than hammering. */
  static final Duration MINIMUM_WAIT = Duration.ofSeconds(1);

  private ErrorAnswers() {}

  /**
   * Classifies an error answer.
   *
   * @param headers response headers with lower-case names
   */
  static <T> GitHubResult<T> classify(int status, Map<String, String> headers, String body, Instant now) {
    String message = message(body).orElse("HTTP " + status);
    if (status == 403 || status == 429) {
      Optional<Long> retryAfter = longHeader(headers, "retry-after");
      boolean exhausted = "0".equals(headers.getOrDefault("x-ratelimit-remaining", "").strip());
      Optional<Instant> reset = longHeader(headers, "x-ratelimit-reset").map(Instant::ofEpochSecond);
      if (isSecondary(message)) {
        // retry-after first; then the primary reset when remaining is 0; else one minute.
        Instant until =
            retryAfter.map(s -> now.plusSeconds(s))
                .orElseGet(() -> exhausted && reset.isPresent()
                    ? reset.get() : now.plus(SECONDARY_DEFAULT_WAIT));
        return new GitHubResult.RateLimited<>(atLeastMinimum(until, now), true, message);
      }
      if (exhausted) {
        Instant until = reset.orElse(now.plus(SECONDARY_DEFAULT_WAIT));
        return new GitHubResult.RateLimited<>(atLeastMinimum(until, now), false, message);
      }
      if (status == 429) {
        // A 429 is a rate limit whatever its message; wait what it says, or a minute.
        Instant until = retryAfter.map(s -> now.plusSeconds(s)).orElse(now.plus(SECONDARY_DEFAULT_WAIT));
        return new GitHubResult.RateLimited<>(atLeastMinimum(until, now), true, message);
      }
    }
    return new GitHubResult.HttpError<>(status, message);
  }

  /** GitHub's wording: "You have exceeded a secondary rate limit"; older answers said "abuse detection". */
  static boolean isSecondary(String message) {
    String m = message.toLowerCase(Locale.ROOT);
    return m.contains("secondary rate limit") || m.contains("abuse detection");
  }

  /** The {@code message} field of a GitHub error body, when the body is JSON that has one. */
  static Optional<String> message(String body) {
    if (body == null || body.isBlank()) return Optional.empty();
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      JsonNode m = node == null ? null : node.get("message");
      return m != null && m.isTextual() && !m.asText().isBlank() ? Optional.of(m.asText()) : Optional.empty();
    } catch (Exception e) {
      // Not JSON (a proxy's HTML page): the status alone describes it.
      return Optional.empty();
    }
  }

  private static Instant atLeastMinimum(Instant until, Instant now) {
    Instant floor = now.plus(MINIMUM_WAIT);
    return until.isBefore(floor) ? floor : until;
  }

  private static Optional<Long> longHeader(Map<String, String> headers, String name) {
    String v = headers.get(name);
    if (v == null) return Optional.empty();
    try {
      return Optional.of(Long.parseLong(v.strip()));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
