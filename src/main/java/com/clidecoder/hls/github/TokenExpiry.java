package com.clidecoder.hls.github;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * GitHub's {@code github-authentication-token-expiration} header, sent with every answer for a token
 * that expires ("2026-12-31 23:59:59 UTC"; older answers use a numeric offset, "-0700"). Read so the
 * operator is warned ahead instead of finding writes paused by a 401 on the day.
 */
final class TokenExpiry {
  private static final Logger log = LoggerFactory.getLogger(TokenExpiry.class);
  private static final DateTimeFormatter ZONE_NAME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z");
  private static final DateTimeFormatter ZONE_OFFSET = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss Z");

  private TokenExpiry() {}

  static Optional<Instant> parse(String value) {
    for (DateTimeFormatter f : new DateTimeFormatter[] {ZONE_NAME, ZONE_OFFSET}) {
      try {
        return Optional.of(ZonedDateTime.parse(value.strip(), f).toInstant());
      } catch (DateTimeParseException tryNext) {
        // the other form
      }
    }
    return Optional.empty();
  }

  /** Once per expiry date seen (the client calls it when the date changes). */
  static void warn(Instant at) {
    log.warn("event=github_token_expires at={} (GitHub writes pause when it does: renew the token and reload)", at);
  }
}
