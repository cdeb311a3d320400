package com.clidecoder.hls.domain;

import java.time.Instant;

/**
 * One attempt of a webhook delivery as GitHub lists it (GET .../hooks/{id}/deliveries): several attempts
 * share a {@code guid} (the X-GitHub-Delivery) when redeliveries were asked for.
 */
public record HookDelivery(long id, String guid, Instant deliveredAt, boolean redelivery, String event,
    String action, int statusCode) {
  /** GitHub reports a delivery that got no answer at all with status_code 0. */
  public boolean failed() {
    return statusCode < 200 || statusCode > 299;
  }
}
