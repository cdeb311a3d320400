package com.clidecoder.hls.cli;

import static com.clidecoder.hls.testkit.SeedDatabases.COMPLETED;
import static com.clidecoder.hls.testkit.SeedDatabases.FAILED;
import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clidecoder.hls.cli.CliHarness.Run;
import com.clidecoder.hls.testkit.RunningService;
import com.clidecoder.hls.testkit.SeedDatabases;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/hls events} and {@code stats} on a database taken over from the seed: its history is there. */
class SeedEventsCommandTest {
  @Test
  void theSeedsHistoryShowsInEventsAndStats(@TempDir Path dir) throws Exception {
    SeedDatabases.write(dir.resolve("webhooks.db"), SeedDatabases.SCHEMA);
    try (RunningService svc = new RunningService(dir, "hls.workers.enabled = false")) {
      Map<String, String> env = Map.of("HLS_URL", svc.url());
      String config = svc.configFile().toString();

      Run show = CliHarness.run(env, "events", "show", String.valueOf(COMPLETED), "--config", config);
      assertEquals(0, show.exit(), show.err());
      assertContains(show.out(), "Typo in README", "Analyses (1)", "summary: " + SeedDatabases.OLD_RESPONSE,
          "2025-03-01T00:00:03Z");

      Run list = CliHarness.run(env, "events", "list", "--status", "failed", "--config", config);
      assertEquals(0, list.exit(), list.err());
      assertContains(list.out(), String.valueOf(FAILED), "gave up after 3 tries");

      Run stats = CliHarness.run(env, "stats", "--json", "--config", config);
      assertEquals(0, stats.exit(), stats.err());
      // The dead worker's processing row went back to the queue at start: pending 2, retry 1 wait.
      assertContains(stats.out().replace(" ", ""), "\"completed\":1", "\"failed\":1", "\"processing\":0",
          "\"pending\":2", "\"retry\":1", "\"total_pending\":3", "\"success_rate\":0.5");
    }
  }
}
