package com.clidecoder.hls.app;

import static com.clidecoder.hls.testkit.SeedDatabases.COMPLETED;
import static com.clidecoder.hls.testkit.SeedDatabases.FAILED;
import static com.clidecoder.hls.testkit.SeedDatabases.PENDING;
import static com.clidecoder.hls.testkit.SeedDatabases.PROCESSING;
import static com.clidecoder.hls.testkit.SeedDatabases.RETRY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.RunningService;
import com.clidecoder.hls.testkit.SeedDatabases;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real service started on the seed document's database: what the seed left waiting is processed
 * (offline analyst, dry-run GitHub), what it finished stays as history and is counted and shown.
 */
class SeedTakeoverServiceTest {
  @TempDir Path dir;

  @Test
  void onTheSeedsOwnSchemaFileTheServiceProcessesWhatWasLeftAndCountsTheRest() throws Exception {
    servesTheSeedsDatabase(SeedDatabases.sharedSchema());
  }

  @Test
  void onTheSchemaWrittenHereTheServiceProcessesWhatWasLeftAndCountsTheRest() throws Exception {
    servesTheSeedsDatabase(SeedDatabases.SCHEMA);
  }

  private void servesTheSeedsDatabase(String schema) throws Exception {
    SeedDatabases.write(dir.resolve("webhooks.db"), schema);

    try (RunningService svc = new RunningService(dir, "hls.workers.poll-interval = 200ms")) {
      try (Stream<Path> files = Files.list(dir)) {
        assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("webhooks.db.before-hls-")).count());
      }
      EventStore events = new EventStore(svc.db);
      for (long id : List.of(PENDING, RETRY, PROCESSING)) awaitStatus(events, id, EventStatus.COMPLETED);
      assertEquals(EventStatus.COMPLETED, events.statusOf(COMPLETED).orElseThrow(), "history stays");
      assertEquals(EventStatus.FAILED, events.statusOf(FAILED).orElseThrow(), "history stays");
      for (long id : List.of(PENDING, RETRY, PROCESSING)) {
        List<ActionStore.ActionRow> actions = new ActionStore(svc.db).forEvent(id);
        assertTrue(actions.stream().allMatch(ActionStore.ActionRow::dryRun), "no token: dry-run " + actions);
      }

      JsonNode retried = json(svc.get("/api/events/" + RETRY)).path("analyses");
      assertEquals(2, retried.size(), "the seed's analysis and a new one: " + retried);
      assertEquals("offline", retried.get(1).path("provider").asText(), "analysed again, not the seed's reused");

      JsonNode stats = json(svc.get("/stats"));
      assertEquals(4, stats.path("by_status").path("completed").asInt(), stats.toString());
      assertEquals(1, stats.path("by_status").path("failed").asInt(), stats.toString());
      assertEquals(0, stats.path("total_pending").asInt(), stats.toString());

      List<Long> listed = new ArrayList<>();
      json(svc.get("/api/events")).path("events").forEach(e -> listed.add(e.path("id").asLong()));
      assertTrue(listed.containsAll(List.of(PENDING, RETRY, PROCESSING, COMPLETED, FAILED)), listed.toString());

      JsonNode old = json(svc.get("/api/events/" + COMPLETED));
      assertEquals("Typo in README", old.path("payload_summary").path("title").asText());
      assertEquals(1, old.path("analyses").size(), old.toString());
      assertEquals(SeedDatabases.OLD_RESPONSE, old.path("analyses").get(0).path("summary").asText());
      assertEquals(0.0125, old.path("analyses").get(0).path("cost_usd").asDouble(), 1e-9);
      JsonNode failed = json(svc.get("/api/events/" + FAILED));
      assertEquals("gave up after 3 tries", failed.path("error_message").asText(), failed.toString());
    }
  }

  private static void awaitStatus(EventStore events, long id, EventStatus expected) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (System.nanoTime() < deadline && events.statusOf(id).orElse(null) != expected) Thread.sleep(50);
    assertEquals(expected, events.statusOf(id).orElse(null), "status of event " + id);
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    assertEquals(200, r.statusCode(), r.body());
    return Json.MAPPER.readTree(r.body());
  }
}
