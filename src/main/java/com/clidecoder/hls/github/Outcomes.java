package com.clidecoder.hls.github;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** How a failed GitHub call becomes a {@link GitHubActuator.Failed}: what is worth retrying, and the message. */
final class Outcomes {
  private Outcomes() {}

  /** A 401 is the token's fault, not the event's: the event goes back to wait for the token. */
  static GitHubActuator.Outcome of(long eventId, String what, GitHubResult<?> result, boolean wasWrite) {
    if (TokenWatch.isRefusal(result)) {
      return new GitHubActuator.TokenRefused(eventId, what + ": " + failure(eventId, what, result, wasWrite).message());
    }
    return failure(eventId, what, result, wasWrite);
  }

  /**
   * @param what the attempted call, e.g. {@code comment on o/r#1}
   * @param wasWrite a write with no answer may have landed; the message says so
   */
  static GitHubActuator.Failed failure(long eventId, String what, GitHubResult<?> result, boolean wasWrite) {
    if (result instanceof GitHubResult.HttpError<?> e) {
      // Only reached for a diff: an action's 401 is a TokenRefused (see of), the event waits.
      if (e.status() == 401) {
        return new GitHubActuator.Failed(eventId, true, "GitHub refused the token (401 " + e.message() + ")",
            Optional.empty());
      }
      boolean retryable = e.status() >= 500 || e.status() == 408;
      return new GitHubActuator.Failed(
          eventId, retryable, what + ": GitHub " + e.status() + ": " + e.message(), Optional.empty());
    }
    if (result instanceof GitHubResult.NoAnswer<?> n) {
      String landed = wasWrite ? " (it may have landed)" : "";
      return new GitHubActuator.Failed(
          eventId, true, what + ": no answer from GitHub: " + n.message() + landed, Optional.empty());
    }
    if (result instanceof GitHubResult.RateLimited<?> rl) {
      long seconds = Math.max(1, Duration.between(Instant.now(), rl.until()).toSeconds());
      return new GitHubActuator.Failed(eventId, true,
          what + ": GitHub rate limit until " + rl.until() + ": " + rl.message(),
          Optional.of(Duration.ofSeconds(seconds)));
    }
    throw new IllegalArgumentException("not a failure: " + result);
  }
}
