package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.EventQueries;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The management API over real HTTP on loopback, against a real service and database. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the tests that add rows run after those that count them
class ManagementApiTest {
  static final Instant T = Instant.parse("2025-01-10T08:00:00Z");
  RunningService svc;
  long analysed;
  long failed;
  long pending;

  @BeforeAll
  void start(@TempDir Path dir) {
    // No pipeline: the rows seeded below must stay as seeded (the startup claim could race the seeding).
    svc = new RunningService(dir, "hls.workers.enabled = false");
    analysed = svc.seed.issue("octo/web", 5, "Login page crashes", T);
    svc.seed.analysis(analysed, "Login crashes on submit", "[\"bug\"]", "Thanks! Looks like a bug.", 0.0123, T.plusSeconds(1));
    svc.seed.action(analysed, "comment", "octo/web#5", "{\"body\":\"Thanks! Looks like a bug.\"}", "done", T.plusSeconds(2));
    svc.seed.completed(analysed, T.plusSeconds(3));
    failed = svc.seed.issue("octo/api", 9, "Timeout", T.plusSeconds(10));
    svc.seed.failed(failed, "claude: 529 overloaded after 5 attempts", T.plusSeconds(20));
    pending = svc.seed.issue("octo/api", 10, "Later", T.plusSeconds(30));
  }

  @AfterAll
  void stop() throws Exception {
    svc.close();
  }

  @Test
  void listsEventsWithTheContractFieldsAndIsoTimestamps() throws Exception {
    JsonNode body = json(svc.get("/api/events"), 200);
    JsonNode events = body.path("events");
    assertEquals(List.of(pending, failed, analysed), ids(events));
    JsonNode e = events.get(2);
    for (String f : List.of("id", "delivery_id", "event_type", "repository", "action", "status", "retry_count", "priority",
        "created_at", "scheduled_at", "started_at", "completed_at", "error_message", "summary", "labels")) {
      assertTrue(e.has(f), "field " + f);
    }
    assertEquals("2025-01-10T08:00:00Z", e.path("created_at").asText());
    assertEquals("Login crashes on submit", e.path("summary").asText());
    assertEquals("bug", e.path("labels").get(0).asText());
    assertTrue(body.path("next_before_id").isNull());
    assertTrue(events.get(0).path("completed_at").isNull());
  }

  @Test
  void filtersAndPagination() throws Exception {
    assertEquals(List.of(failed), ids(json(svc.get("/api/events?status=failed"), 200).path("events")));
    assertEquals(List.of(pending, failed), ids(json(svc.get("/api/events?repo=octo/api"), 200).path("events")));
    assertEquals(List.of(), ids(json(svc.get("/api/events?type=workflow_run"), 200).path("events")));
    JsonNode page = json(svc.get("/api/events?limit=2"), 200);
    assertEquals(failed, page.path("next_before_id").asLong());
    assertEquals(List.of(analysed), ids(json(svc.get("/api/events?limit=2&before_id=" + failed), 200).path("events")));
  }

  @Test
  void badParametersAre400WithAReason() throws Exception {
    for (String q : List.of("?status=done", "?limit=0", "?limit=501", "?limit=ten", "?before_id=-3", "?before_id=x")) {
      JsonNode body = json(svc.get("/api/events" + q), 400);
      assertEquals("rejected", body.path("status").asText(), q);
      assertTrue(body.path("reason").asText().length() > 10, q);
    }
    assertEquals(400, svc.get("/api/daily?days=0").statusCode());
    assertEquals(400, svc.get("/api/daily?days=abc").statusCode());
    assertEquals(400, svc.get("/api/events/abc").statusCode());
    assertEquals(404, svc.get("/api/events/" + analysed + "/frob").statusCode());
    assertEquals(405, svc.post("/api/events").statusCode());
    assertEquals(405, svc.get("/api/events/retry-failed").statusCode());
  }

  @Test
  void showsOneEventWithPayloadSummaryAnalysesAndActions() throws Exception {
    JsonNode e = json(svc.get("/api/events/" + analysed), 200);
    JsonNode p = e.path("payload_summary");
    assertEquals("Login page crashes", p.path("title").asText());
    assertEquals(5, p.path("number").asInt());
    assertEquals("octocat", p.path("sender").asText());
    assertEquals("https://github.com/octo/web/issues/5", p.path("url").asText());
    assertTrue(!e.has("payload_json") && !e.has("payload"), "the payload is summarised, not sent whole");
    JsonNode a = e.path("analyses").get(0);
    assertEquals("anthropic", a.path("provider").asText());
    assertEquals("claude-sonnet-4-5", a.path("model").asText());
    assertEquals("Thanks! Looks like a bug.", a.path("comment").asText());
    assertEquals(1000, a.path("input_tokens").asInt());
    assertEquals(500, a.path("output_tokens").asInt());
    assertEquals(0.0123, a.path("cost_usd").asDouble(), 1e-9);
    JsonNode act = e.path("actions").get(0);
    assertEquals("comment", act.path("kind").asText());
    assertEquals("Thanks! Looks like a bug.", act.path("request").path("body").asText());
    assertEquals(false, act.path("dry_run").asBoolean());
    assertEquals(404, svc.get("/api/events/99999").statusCode());
  }

  @Test
  void dailyReturnsTheRequestedDays() throws Exception {
    JsonNode days = json(svc.get("/api/daily?days=7"), 200).path("days");
    assertEquals(7, days.size());
    assertEquals(30, json(svc.get("/api/daily"), 200).path("days").size());
    for (String f : List.of("date", "webhooks", "claude_analyses", "github_actions", "total_cost_usd")) {
      assertTrue(days.get(6).has(f), f);
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void retryAnswers200ForFailed409ForOthersAnd404ForUnknownAndWakesThePipeline() throws Exception {
    AtomicInteger wakes = new AtomicInteger();
    EventsRoute route = new EventsRoute(() -> svc.app.config(), new EventQueries(svc.db, new EventStore(svc.db)),
        Runnable::run, wakes::incrementAndGet, Clock.systemUTC());
    ServerBinding own = Http.get(svc.app.system()).newServerAt("127.0.0.1", 0).bind(route.route())
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    try {
      long f2 = svc.seed.issue("octo/x", 1, "x", T);
      svc.seed.failed(f2, "boom", T);
      String base = "http://127.0.0.1:" + own.localAddress().getPort();
      var http = java.net.http.HttpClient.newHttpClient();
      var post = (java.util.function.Function<String, HttpResponse<String>>) p -> {
        try {
          return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(base + p))
              .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      };
      JsonNode ok = json(post.apply("/api/events/" + f2 + "/retry"), 200);
      assertEquals("requeued", ok.path("status").asText());
      assertEquals(1, wakes.get());
      // The service's own pipeline may take the requeued event at its next claim: it is no longer failed.
      assertNotEquals(Optional.of(EventStatus.FAILED), new EventStore(svc.db).statusOf(f2));
      JsonNode conflict = json(post.apply("/api/events/" + f2 + "/retry"), 409);
      assertTrue(conflict.path("reason").asText().contains("only failed events are requeued"), conflict.toString());
      assertEquals(404, post.apply("/api/events/424242/retry").statusCode());
      assertEquals(1, wakes.get());
    } finally {
      own.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void retryFailedRequeuesEveryFailedEvent() throws Exception {
    long f3 = svc.seed.issue("octo/y", 1, "y", T);
    svc.seed.failed(f3, "boom", T);
    JsonNode body = json(svc.post("/api/events/retry-failed"), 200);
    assertEquals("requeued", body.path("status").asText());
    assertTrue(body.path("count").asInt() >= 1);
    assertEquals(0, svc.seed.count("SELECT COUNT(*) FROM webhook_events WHERE status = 'failed'"));
    svc.seed.failed(failed, "claude: 529 overloaded after 5 attempts", T.plusSeconds(20)); // restore for other tests
  }

  static JsonNode json(HttpResponse<String> r, int status) throws Exception {
    assertEquals(status, r.statusCode(), r.body());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"));
    return Json.MAPPER.readTree(r.body());
  }

  static List<Long> ids(JsonNode events) {
    List<Long> out = new java.util.ArrayList<>();
    events.forEach(e -> out.add(e.path("id").asLong()));
    return out;
  }
}
