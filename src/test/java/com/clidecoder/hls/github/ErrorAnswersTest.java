package com.clidecoder.hls.github;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorAnswersTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final String SECONDARY = "{\"message\":\"You have exceeded a secondary rate limit and have been"
      + " temporarily blocked from content creation.\",\"documentation_url\":\"https://docs.github.com\"}";

  @Test
  void primaryLimitWaitsUntilReset() {
    long reset = NOW.getEpochSecond() + 900;
    var r = assertInstanceOf(GitHubResult.RateLimited.class, ErrorAnswers.classify(403,
        Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", String.valueOf(reset)),
        "{\"message\":\"API rate limit exceeded\"}", NOW));
    assertEquals(Instant.ofEpochSecond(reset), r.until());
    assertFalse(r.secondary());
    assertInstanceOf(GitHubResult.RateLimited.class, ErrorAnswers.classify(429,
        Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", String.valueOf(reset)), "", NOW));
  }

  @Test
  void secondaryLimitWaitsRetryAfterOrOneMinute() {
    var withHeader = assertInstanceOf(GitHubResult.RateLimited.class,
        ErrorAnswers.classify(403, Map.of("retry-after", "7"), SECONDARY, NOW));
    assertEquals(NOW.plusSeconds(7), withHeader.until());
    assertTrue(withHeader.secondary());
    var without = assertInstanceOf(GitHubResult.RateLimited.class, ErrorAnswers.classify(403, Map.of(), SECONDARY, NOW));
    assertEquals(NOW.plusSeconds(60), without.until());
  }

  @Test
  void resetInThePastStillWaitsASecond() {
    var r = assertInstanceOf(GitHubResult.RateLimited.class, ErrorAnswers.classify(403,
        Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", String.valueOf(NOW.getEpochSecond() - 30)), "", NOW));
    assertEquals(NOW.plusSeconds(1), r.until());
  }

  @Test
  void otherErrorsCarryGitHubsMessage() {
    var forbidden = assertInstanceOf(GitHubResult.HttpError.class, ErrorAnswers.classify(403,
        Map.of("x-ratelimit-remaining", "4999"), "{\"message\":\"Resource not accessible by integration\"}", NOW));
    assertEquals("Resource not accessible by integration", forbidden.message());
    var invalid = assertInstanceOf(GitHubResult.HttpError.class,
        ErrorAnswers.classify(422, Map.of(), "{\"message\":\"Validation Failed\",\"errors\":[]}", NOW));
    assertEquals(422, invalid.status());
    assertEquals("Validation Failed", invalid.message());
    var html = assertInstanceOf(GitHubResult.HttpError.class,
        ErrorAnswers.classify(502, Map.of(), "<html>Bad Gateway</html>", NOW));
    assertEquals("HTTP 502", html.message());
  }
}
