package com.clidecoder.hls.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.HookDelivery;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** GitHub's delivery list format, as its REST docs show it (status_code 502 "failed to connect"). */
class DeliveryPageTest {
  private static final String GITHUB_EXAMPLE = """
      [{"id":12345678,"guid":"0b989ba4-242f-11e5-81e1-c7b6966d2516","delivered_at":"2019-06-03T00:57:16Z",
        "redelivery":false,"duration":0.27,"status":"OK","status_code":200,"event":"issues","action":"opened",
        "installation_id":123,"repository_id":456},
       {"id":123456789,"guid":"0b989ba4-242f-11e5-81e1-c7b6966d2516","delivered_at":"2019-06-04T00:57:16Z",
        "redelivery":true,"duration":0.28,"status":"failed to connect","status_code":502,"event":"issues",
        "action":null,"installation_id":null,"repository_id":null}]
      """;

  @Test
  void parsesGitHubsWireFormatIncludingNullsAndRedeliveries() {
    DeliveryPage.Parsed p = DeliveryPage.parse(GITHUB_EXAMPLE);
    assertTrue(p.ok(), p.problem());
    assertEquals(2, p.deliveries().size());
    HookDelivery first = p.deliveries().get(0);
    assertEquals(12345678L, first.id());
    assertEquals("opened", first.action());
    assertFalse(first.failed());
    HookDelivery second = p.deliveries().get(1);
    assertTrue(second.redelivery());
    assertTrue(second.failed());
    assertNull(second.action());
    assertEquals(Instant.parse("2019-06-04T00:57:16Z"), second.deliveredAt());
  }

  @Test
  void anErrorBodyOrGarbageIsAProblemNotAThrow() {
    DeliveryPage.Parsed forbidden = DeliveryPage.parse(
        "{\"message\":\"Resource not accessible by integration\",\"documentation_url\":\"https://docs.github.com/rest\"}");
    assertFalse(forbidden.ok());
    assertEquals("expected a JSON array of deliveries", forbidden.problem());
    assertFalse(DeliveryPage.parse("[{\"id\":1").ok());
    assertFalse(DeliveryPage.parse("[{\"id\":1,\"guid\":\"g\",\"delivered_at\":\"yesterday\"}]").ok());
  }

  @Test
  void aPageReachingPastTheLookbackEndsTheListing() {
    var page = DeliveryPage.parse(GITHUB_EXAMPLE).deliveries();
    assertTrue(DeliveryPage.reachesBefore(page, Instant.parse("2019-06-04T00:00:00Z")));
    assertFalse(DeliveryPage.reachesBefore(page, Instant.parse("2019-06-01T00:00:00Z")));
  }
}
