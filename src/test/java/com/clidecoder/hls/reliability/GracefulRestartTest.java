package com.clidecoder.hls.reliability;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quick form of {@link RestartSuite} for the normal build (60 deliveries, SIGTERM in the middle), and
 * the bound on a stop under deliveries that never pause.
 */
class GracefulRestartTest {
  @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dir;

  @Test
  void sigtermDuringABurstAnswersEveryDelivery202AndStoresThemAll() throws Exception {
    RestartBurst.run(dir, 60);
  }

  @Test
  void aStreamThatNeverStopsStillLetsTheProcessExitAtTheDeadline() throws Exception {
    RestartBurst.steadyStreamStillExits(dir);
  }
}
