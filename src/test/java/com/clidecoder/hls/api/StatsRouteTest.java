package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.StoredDelivery;
import com.clidecoder.hls.testkit.IntakeHarness;
import com.clidecoder.hls.testkit.JupiterRouteTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StatsRouteTest extends JupiterRouteTest {
  @TempDir Path dir;
  private IntakeHarness harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) harness.close();
    harness = null;
  }

  private IntakeHarness harness(String hocon) {
    harness = new IntakeHarness(dir.resolve("h" + System.nanoTime()), hocon, system());
    return harness;
  }

  private TestRouteResult get(IntakeHarness h, HttpRequest request) {
    StatsRoute route = new StatsRoute(h.stats, h.jdbc, () -> h.config, Clock.systemUTC());
    return testRoute(route.route()).run(request);
  }

  private static HttpRequest from(String address) throws Exception {
    return HttpRequest.GET("/stats")
        .addAttribute(AttributeKeys.remoteAddress, RemoteAddress.create(InetAddress.getByName(address)));
  }

  private static long store(IntakeHarness h, String id, String type) throws Exception {
    StoredDelivery s = h.writer.submit(new NewDelivery(id, type, "hls-test/sandbox", "opened", "{}", null, 0))
        .toCompletableFuture().get(30, TimeUnit.SECONDS);
    return s.id();
  }

  @Test
  void statsCarryTheContractFieldsComputedFromTheQueue() throws Exception {
    IntakeHarness h = harness("");
    long a = store(h, "s-1", "issues");
    long b = store(h, "s-2", "issues");
    store(h, "s-3", "pull_request");
    store(h, "s-4", "workflow_run");
    Instant now = Instant.now();
    h.events.claimHeads(10, List.of(), now, "test", now.plusSeconds(60));
    h.events.markCompleted(a, now.plusMillis(1500));
    h.events.markFailed(b, "boom", now.plusMillis(10));

    TestRouteResult r = get(h, from("127.0.0.1"));
    assertEquals(200, r.statusCode(), r.entityString());
    JsonNode s = Json.MAPPER.readTree(r.entityString());
    assertEquals(2, s.get("total_pending").asLong(), r.entityString());
    assertEquals(0.5, s.get("success_rate").asDouble(), 1e-9);
    assertEquals(1.5, s.get("average_processing_time").asDouble(), 1e-9);
    assertEquals(1, s.get("by_status").get("completed").asLong());
    assertEquals(1, s.get("by_status").get("failed").asLong());
    assertEquals(2, s.get("by_status").get("pending").asLong());
    assertEquals(2, s.get("by_event_type").get("issues").asLong());
    assertEquals(1, s.get("by_event_type").get("pull_request").asLong());
    assertTrue(s.get("oldest_pending_age_seconds").isIntegralNumber(), r.entityString());
    JsonNode today = s.get("today");
    assertEquals(4, today.get("webhooks").asLong());
    for (String f : List.of("claude_analyses", "github_actions", "total_cost_usd")) assertTrue(today.has(f), f);
  }

  @Test
  void emptyQueueHasNoOldestPendingAge() throws Exception {
    IntakeHarness h = harness("");
    JsonNode s = Json.MAPPER.readTree(get(h, from("::1")).assertStatusCode(200).entityString());
    assertEquals(0, s.get("total_pending").asLong());
    assertTrue(s.get("oldest_pending_age_seconds").isNull());
  }

  @Test
  void readRoutesAreLoopbackOnlyUnlessPublicRead() throws Exception {
    IntakeHarness h = harness("");
    get(h, from("127.0.0.1")).assertStatusCode(200);
    TestRouteResult remote = get(h, from("192.0.2.10"));
    assertEquals(403, remote.statusCode());
    assertEquals("rejected", Json.MAPPER.readTree(remote.entityString()).get("status").asText());
    assertEquals(403, get(h, HttpRequest.GET("/stats")).statusCode(), "unknown peer is not loopback");
    assertEquals(403, get(h, from("127.0.0.1").addHeader(RawHeader.create("X-Forwarded-For", "192.0.2.10"))).statusCode(),
        "a proxied request is not local");
    close();

    IntakeHarness open = harness("hls.api.public-read = true");
    get(open, from("192.0.2.10")).assertStatusCode(200);
  }
}
