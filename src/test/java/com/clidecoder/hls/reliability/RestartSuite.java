package com.clidecoder.hls.reliability;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero-loss restart: a real {@code serve} process gets SIGTERM during a burst of 300 concurrent
 * deliveries from a sender that never retries; none is refused or unanswered, all are stored and worked
 * after the restart ({@link RestartBurst}).
 */
class RestartSuite {
  private static final int DELIVERIES = Integer.getInteger("hls.restart.deliveries", 300);

  // Kept when the suite fails: the service logs in it are what explains the failure.
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void sigtermDuringABurstOf300LosesNone() throws Exception {
    RestartBurst.run(dir, DELIVERIES);
  }
}
