package com.clidecoder.hls.app;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The port is bound before the store opens: until then a delivery is refused with 503 and Retry-After. */
class StartingGateTest {
  private final ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "starting-gate-test");
  private final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void stop() {
    system.terminate();
  }

  @Test
  void refusesWith503AndRetryAfterUntilOpenedThenServesTheRoutes() throws Exception {
    StartingGate gate = new StartingGate(system);
    ServerBinding binding = Http.get(system).newServerAt("127.0.0.1", 0).bind(gate).toCompletableFuture().get();
    URI webhook = URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/webhook");
    HttpRequest delivery = HttpRequest.newBuilder(webhook).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"zen\":\"x\"}")).build();

    HttpResponse<String> starting = http.send(delivery, HttpResponse.BodyHandlers.ofString());
    assertEquals(503, starting.statusCode());
    assertEquals(Optional.of("5"), starting.headers().firstValue("Retry-After"));
    assertEquals("{\"status\":\"rejected\",\"reason\":\"HLS is starting (opening the database); retry later\"}", starting.body());

    gate.open(path("webhook", () -> complete("stored")));
    HttpResponse<String> open = http.send(delivery, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, open.statusCode());
    assertEquals("stored", open.body());
    assertTrue(open.headers().firstValue("Retry-After").isEmpty());
  }
}
