package com.clidecoder.hls.github;

import java.time.Instant;

/**
 * What one GitHub call came to: a value, a rate limit to wait out, an HTTP error answer, or no (complete)
 * answer at all. Expected failures are values; {@link GitHubActuator} turns them into outcomes.
 */
public sealed interface GitHubResult<T> {

  record Ok<T>(T value) implements GitHubResult<T> {}

  /**
   * 403/429 from a primary ({@code x-ratelimit-remaining: 0}) or secondary rate limit. GitHub did nothing;
   * no request with this token may be sent before {@code until}.
   */
  record RateLimited<T>(Instant until, boolean secondary, String message) implements GitHubResult<T> {}

  /** A non-2xx answer that is not a rate limit; {@code message} is GitHub's {@code message} field. */
  record HttpError<T>(int status, String message) implements GitHubResult<T> {}

  /** Timeout, refused or dropped connection, unreadable answer: a write may or may not have landed. */
  record NoAnswer<T>(String message) implements GitHubResult<T> {}

  /** The same failure typed for another value; only for the non-{@link Ok} cases. */
  @SuppressWarnings("unchecked")
  default <U> GitHubResult<U> failure() {
    if (this instanceof Ok) throw new IllegalStateException("not a failure: " + this);
    return (GitHubResult<U>) this;
  }
}
