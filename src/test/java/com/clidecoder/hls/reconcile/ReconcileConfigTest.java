package com.clidecoder.hls.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.ConfigProblems;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** hls.reconcile: the defaults, hooks of both kinds, and every bad value named by its key. */
class ReconcileConfigTest {
  @Test
  void defaultsAreOffTenMinutesADayAndFifty(@TempDir Path dir) {
    HlsConfig.Reconcile r = TestConfigs.load(dir, "").hls().reconcile();
    assertFalse(r.enabled());
    assertEquals(Duration.ofMinutes(10), r.interval());
    assertEquals(Duration.ofHours(24), r.lookback());
    assertEquals(50, r.maxRedeliveries());
    assertTrue(r.hooks().isEmpty());
  }

  @Test
  void repositoryAndOrgHooksAreRead(@TempDir Path dir) {
    HlsConfig.Reconcile r = TestConfigs.load(dir,
        "hls.reconcile { enabled = true, hooks = [{ repository = \"o/r\", id = 7 }, { org = \"o\", id = 9 }] }").hls().reconcile();
    assertEquals(new HlsConfig.Hook(Optional.of("o/r"), Optional.empty(), 7), r.hooks().get(0));
    assertEquals(new HlsConfig.Hook(Optional.empty(), Optional.of("o"), 9), r.hooks().get(1));
  }

  @Test
  void badValuesAreNamedByKey(@TempDir Path dir) {
    ConfigProblems p = assertThrows(ConfigProblems.class, () -> TestConfigs.load(dir,
        "hls.reconcile { interval = 0s, max-redeliveries = 0, maxredeliveries = 3,"
            + " hooks = [{ repository = \"o/r\", org = \"o\", id = 1 }, { repository = \"nope\", id = -2 }] }"));
    String all = String.join("\n", p.problems());
    for (String key : new String[] {"hls.reconcile.interval", "hls.reconcile.max-redeliveries",
        "hls.reconcile.maxredeliveries: unknown key", "hls.reconcile.hooks.0", "exactly one of repository or org",
        "hls.reconcile.hooks.1.repository", "hls.reconcile.hooks.1.id"}) {
      assertTrue(all.contains(key), key + " not in:\n" + all);
    }
  }
}
