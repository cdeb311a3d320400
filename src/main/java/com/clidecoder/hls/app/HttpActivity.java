package com.clidecoder.hls.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;

/**
 * The HTTP requests in flight and when the last one arrived or was answered. A stopping service keeps
 * its port open until requests have stopped for a moment: a burst that is still coming in when SIGTERM
 * arrives is answered, not refused at the TCP level (GitHub does not retry a refused connection).
 */
final class HttpActivity {
  private static final long POLL_MILLIS = 100;

  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong lastNanos = new AtomicLong(System.nanoTime());

  void arrived() {
    inFlight.incrementAndGet();
    lastNanos.set(System.nanoTime());
  }

  void answered() {
    lastNanos.set(System.nanoTime());
    inFlight.decrementAndGet();
  }

  /** Completes once nothing is in flight and nothing happened for {@code quiet}, or after {@code atMost}. */
  CompletionStage<Done> awaitQuiet(Duration quiet, Duration atMost) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    poll(done, quiet.toNanos(), System.nanoTime() + atMost.toNanos());
    return done;
  }

  private void poll(CompletableFuture<Done> done, long quietNanos, long deadlineNanos) {
    long now = System.nanoTime();
    boolean quiet = inFlight.get() == 0 && now - lastNanos.get() >= quietNanos;
    if (quiet || now >= deadlineNanos) {
      done.complete(Done.getInstance());
      return;
    }
    CompletableFuture.runAsync(() -> poll(done, quietNanos, deadlineNanos),
        CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS));
  }
}
