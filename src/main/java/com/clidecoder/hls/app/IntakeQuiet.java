package com.clidecoder.hls.app;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;

/**
 * When the webhook route last answered. A stopping service keeps its port open until deliveries have
 * stopped arriving for a moment: a burst that is still coming in when SIGTERM arrives is answered, not
 * refused at the TCP level (GitHub does not retry a refused connection).
 */
final class IntakeQuiet {
  private static final long POLL_MILLIS = 100;

  private final AtomicLong lastAnswerNanos = new AtomicLong(System.nanoTime());

  /** Called for every webhook answer, whatever its outcome. */
  void answered() {
    lastAnswerNanos.set(System.nanoTime());
  }

  /** Completes once nothing was answered for {@code quiet}, or after {@code atMost} in any case. */
  CompletionStage<Done> await(Duration quiet, Duration atMost) {
    CompletableFuture<Done> done = new CompletableFuture<>();
    poll(done, quiet.toNanos(), System.nanoTime() + atMost.toNanos());
    return done;
  }

  private void poll(CompletableFuture<Done> done, long quietNanos, long deadlineNanos) {
    long now = System.nanoTime();
    if (now - lastAnswerNanos.get() >= quietNanos || now >= deadlineNanos) {
      done.complete(Done.getInstance());
      return;
    }
    CompletableFuture.runAsync(() -> poll(done, quietNanos, deadlineNanos),
        CompletableFuture.delayedExecutor(POLL_MILLIS, TimeUnit.MILLISECONDS));
  }
}
