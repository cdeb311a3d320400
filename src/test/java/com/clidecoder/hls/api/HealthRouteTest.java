package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.Seed;
import com.clidecoder.hls.testkit.IntakeHarness;
import com.clidecoder.hls.testkit.JupiterRouteTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code /health}'s monitor figures: failures in the asked window, the oldest waiting event, bad windows. */
class HealthRouteTest extends JupiterRouteTest {
  @TempDir Path dir;
  private IntakeHarness harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) harness.close();
  }

  private JsonNode health(String uri, int expectedStatus) throws Exception {
    HealthRoute route = new HealthRoute(harness.db, harness.jdbc, () -> CompletableFuture.completedFuture(
        new HealthRoute.PipelineHealth(Optional.empty(), Map.of())));
    TestRouteResult r = testRoute(route.route()).run(HttpRequest.GET(uri));
    assertEquals(expectedStatus, r.statusCode(), r.entityString());
    return Json.MAPPER.readTree(r.entityString());
  }

  @Test
  void carriesFailuresOfTheWindowAndTheOldestWaitingEvent() throws Exception {
    harness = new IntakeHarness(dir, "", system());
    Seed seed = new Seed(harness.db);
    Instant now = Instant.now();
    JsonNode empty = health("/health", 200);
    assertEquals("ok", empty.get("status").asText());
    assertEquals(0, empty.at("/failed_recent/count").asLong());
    assertEquals(3600, empty.at("/failed_recent/window_seconds").asLong());
    assertTrue(empty.get("oldest_pending_age_seconds").isNull(), empty.toString());

    long recent = seed.heldIssue("octo/a", 1, "recent", now.minus(Duration.ofMinutes(20)));
    seed.failed(recent, "github: 404", now.minus(Duration.ofMinutes(20)));
    long old = seed.heldIssue("octo/a", 2, "old", now.minus(Duration.ofHours(5)));
    seed.failed(old, "github: 404", now.minus(Duration.ofHours(5)));
    long waiting = seed.heldIssue("octo/b", 3, "waits", now.minus(Duration.ofMinutes(40)));
    seed.retryDueAt(waiting, now.plus(Duration.ofDays(1)));

    JsonNode hour = health("/health", 200);
    assertEquals(1, hour.at("/failed_recent/count").asLong(), hour.toString());
    assertEquals("ok", hour.get("status").asText(), "failures are figures for the monitor, not a degraded service");
    long age = hour.get("oldest_pending_age_seconds").asLong();
    assertTrue(age >= 40 * 60 && age < 42 * 60, hour.toString());
    JsonNode day = health("/health?window=1d", 200);
    assertEquals(2, day.at("/failed_recent/count").asLong(), day.toString());
    assertEquals(86400, day.at("/failed_recent/window_seconds").asLong());
  }

  @Test
  void aBadWindowIsAJson400() throws Exception {
    harness = new IntakeHarness(dir, "", system());
    for (String bad : new String[] {"60", "soon", "0m", "31d"}) {
      JsonNode r = health("/health?window=" + bad, 400);
      assertTrue(r.get("reason").asText().contains("window must be a duration"), r.toString());
      assertTrue(r.get("reason").asText().contains("'" + bad + "'"), r.toString());
    }
  }
}
