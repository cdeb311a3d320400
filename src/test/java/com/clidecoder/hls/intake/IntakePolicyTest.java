package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.clidecoder.hls.intake.DeliveryParser.BodyFormat;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IntakePolicyTest {
  @TempDir Path dir;

  private IntakePolicy.Decision decide(String event, String json) {
    IntakePolicy policy = new IntakePolicy(TestConfigs.load(dir, "").hls());
    DeliveryParser.Document doc = (DeliveryParser.Document) DeliveryParser.parse(BodyFormat.JSON, json.getBytes(StandardCharsets.UTF_8));
    return policy.decide(event, "d-1", Optional.of("sha256=00"), doc);
  }

  private int priorityOf(String event, String json) {
    return assertInstanceOf(IntakePolicy.Queue.class, decide(event, json)).delivery().priority();
  }

  @Test
  void failingWorkflowRunsComeFirstThenOpeningsThenTheRest() {
    assertEquals(IntakePolicy.FAILING_RUN, priorityOf("workflow_run",
        new String(WebhookFixtures.own("workflow_run.failure.json"), StandardCharsets.UTF_8)));
    assertEquals(IntakePolicy.OTHER, priorityOf("workflow_run",
        "{\"action\":\"completed\",\"workflow_run\":{\"conclusion\":\"success\"},\"repository\":{\"full_name\":\"a/b\"}}"));
    assertEquals(IntakePolicy.OPENED, priorityOf("issues",
        new String(WebhookFixtures.own("issues.opened.json"), StandardCharsets.UTF_8)));
    assertEquals(IntakePolicy.OPENED, priorityOf("pull_request",
        "{\"action\":\"ready_for_review\",\"repository\":{\"full_name\":\"a/b\"}}"));
    assertEquals(IntakePolicy.OTHER, priorityOf("issues", "{\"action\":\"labeled\",\"repository\":{\"full_name\":\"a/b\"}}"));
    assertEquals(IntakePolicy.OTHER, priorityOf("pull_request_review",
        new String(WebhookFixtures.own("pull_request_review.submitted.json"), StandardCharsets.UTF_8)));
  }

  @Test
  void queuedDeliveryCarriesTheHeadersAndPayloadFields() {
    IntakePolicy.Queue q = assertInstanceOf(IntakePolicy.Queue.class,
        decide("issues", "{\"action\":\"opened\",\"repository\":{\"full_name\":\"Owner/Repo\"}}"));
    assertEquals("d-1", q.delivery().deliveryId());
    assertEquals("issues", q.delivery().eventType());
    assertEquals("Owner/Repo", q.delivery().repository());
    assertEquals("opened", q.delivery().action());
    assertEquals("sha256=00", q.delivery().signature());
  }

  @Test
  void unhandledEventsAreIgnoredEvenWithoutARepository() {
    assertEquals(new IntakePolicy.Ignore("event type installation is not handled"),
        decide("installation", "{\"action\":\"created\"}"));
    assertEquals(new IntakePolicy.Ignore("ping"), decide("ping", "{\"zen\":\"z\"}"));
    assertInstanceOf(IntakePolicy.Reject.class, decide("issues", "{\"action\":\"opened\",\"repository\":{\"full_name\":1}}"));
  }
}
