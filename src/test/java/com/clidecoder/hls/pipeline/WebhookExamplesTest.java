package com.clidecoder.hls.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.intake.WebhookRoute;
import com.clidecoder.hls.testkit.IntakeHarness;
import com.clidecoder.hls.testkit.IntakeHarnesses;
import com.clidecoder.hls.testkit.JupiterRouteTest;
import com.clidecoder.hls.testkit.NpmPackages;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example payload of {@code @octokit/webhooks-examples} (GitHub's own, contributed per event type)
 * through the webhook route with the default repositories rule, and each queued one through the planner:
 * the event types HLS handles are queued and planned without failing, every other type (ping included) is
 * answered as ignored; none is refused and nothing throws. Skipped when the npm install is absent.
 */
class WebhookExamplesTest extends JupiterRouteTest {
  @TempDir Path dir;
  private final IntakeHarnesses harnesses = new IntakeHarnesses();

  @AfterEach
  void tearDown() throws Exception {
    harnesses.close();
  }

  @Test
  void everyGitHubExamplePayloadIsQueuedAndPlannedOrIgnored() throws Exception {
    JsonNode index = Json.MAPPER.readTree(NpmPackages.webhookExamples().toFile());
    IntakeHarness h = harnesses.open(dir, "", system());
    WebhookRoute route = new WebhookRoute(() -> h.config, h.writer, () -> {}, (type, outcome) -> {});
    Map<String, Integer> planned = new TreeMap<>();
    List<String> wrong = new ArrayList<>();
    int queued = 0;
    int ignored = 0;
    for (JsonNode event : index) {
      String type = event.path("name").asText();
      boolean handled = HlsConfig.HANDLED_EVENTS.contains(type);
      int n = 0;
      for (JsonNode example : event.path("examples")) {
        String where = type + "[" + n + "]";
        String delivery = "example-" + type + "-" + n++;
        byte[] body = Json.MAPPER.writeValueAsBytes(example);
        TestRouteResult r = testRoute(route.route()).run(HttpRequest.POST("/webhook")
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, body))
            .addHeader(RawHeader.create("X-GitHub-Event", type))
            .addHeader(RawHeader.create("X-GitHub-Delivery", delivery)));
        JsonNode reply = Json.MAPPER.readTree(r.entityString());
        String status = reply.path("status").asText();
        if (handled && r.statusCode() == 202 && status.equals("queued")) {
          queued++;
          QueuedEvent stored = h.event(reply.get("id").asLong()).orElseThrow();
          assertEquals(new String(body, StandardCharsets.UTF_8), stored.payloadJson(), where);
          EventPlan plan = EventPlanner.plan(stored, h.config);
          planned.merge(type + (plan instanceof EventPlan.Analyse ? ":analyse" : ":skip"), 1, Integer::sum);
        } else if (!handled && r.statusCode() == 200 && status.equals("ignored")) {
          ignored++;
        } else {
          wrong.add(where + " (" + (handled ? "handled" : "not handled") + ") -> " + r.statusCode() + " " + reply);
        }
      }
    }
    System.out.println("webhook examples: " + queued + " queued, " + ignored + " ignored; plans " + planned);
    assertEquals(List.of(), wrong, "examples answered otherwise than queued (handled types) or ignored (others)");
    assertEquals(queued, h.rows());
    for (String type : HlsConfig.HANDLED_EVENTS) {
      assertTrue(planned.keySet().stream().anyMatch(k -> k.startsWith(type + ":")), "no example of " + type);
    }
    assertTrue(planned.keySet().stream().anyMatch(k -> k.endsWith(":analyse")), "some example is analysed: " + planned);
    assertTrue(ignored > 0, "examples of types HLS does not handle are in the package");
  }
}
