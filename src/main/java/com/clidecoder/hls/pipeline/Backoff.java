package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.config.HlsConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter for failed attempts; a server's retry-after is a floor, never shortened. */
final class Backoff {
  private Backoff() {}

  /** The wait before attempt {@code retryCount + 1}, given how many attempts already failed. */
  static Duration next(HlsConfig.Workers workers, int retryCount, Optional<Duration> retryAfter) {
    double base = workers.backoffMin().toMillis() * Math.pow(2, Math.min(retryCount, 30));
    double capped = Math.min(base, workers.backoffMax().toMillis());
    double jitter = 1 + workers.randomFactor() * ThreadLocalRandom.current().nextDouble();
    long millis = (long) Math.min(capped * jitter, workers.backoffMax().toMillis() * (1 + workers.randomFactor()));
    Duration wait = Duration.ofMillis(millis);
    return retryAfter.filter(r -> r.compareTo(wait) > 0).orElse(wait);
  }

  /** Whether the attempt that just failed, after {@code retryCount} earlier ones, was the last one allowed. */
  static boolean wasLastAttempt(HlsConfig.Workers workers, int retryCount) {
    return retryCount + 1 > workers.maxRetries();
  }

  /** The error an event that used up its attempts is failed with. */
  static String gaveUp(int retryCount, String lastError) {
    return "gave up after " + (retryCount + 1) + " attempts: " + lastError;
  }
}
