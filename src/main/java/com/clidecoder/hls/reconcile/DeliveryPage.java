package com.clidecoder.hls.reconcile;

import com.clidecoder.hls.domain.HookDelivery;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One page of GET /repos/{o}/{r}/hooks/{id}/deliveries (also the org and app variants, same shape):
 * a JSON array of {id, guid, delivered_at, redelivery, duration, status, status_code, event, action,
 * installation_id, repository_id}. Newest first; older pages follow the Link header's {@code cursor}.
 */
public final class DeliveryPage {
  private DeliveryPage() {}

  /** Parse result: the deliveries, or why the body was not a delivery list (an answer value, not a throw). */
  public record Parsed(List<HookDelivery> deliveries, String problem) {
    public boolean ok() {
      return problem == null;
    }
  }

  public static Parsed parse(String body) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(body);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      return new Parsed(List.of(), "malformed JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isArray()) return new Parsed(List.of(), "expected a JSON array of deliveries");
    return parse(root);
  }

  /** The deliveries of listed items (the client's pages, already read as JSON). */
  public static Parsed parse(Iterable<JsonNode> items) {
    List<HookDelivery> out = new ArrayList<>();
    for (JsonNode n : items) {
      if (!n.hasNonNull("id") || !n.hasNonNull("guid") || !n.hasNonNull("delivered_at")) {
        return new Parsed(List.of(), "delivery without id, guid or delivered_at");
      }
      Instant at;
      try {
        at = Instant.parse(n.get("delivered_at").asText());
      } catch (java.time.DateTimeException e) {
        return new Parsed(List.of(), "delivered_at is not an ISO-8601 time: " + n.get("delivered_at").asText());
      }
      String action = n.hasNonNull("action") ? n.get("action").asText() : null;
      out.add(new HookDelivery(n.get("id").asLong(), n.get("guid").asText(), at, n.path("redelivery").asBoolean(false),
          n.path("event").asText(""), action, n.path("status_code").asInt(0)));
    }
    return new Parsed(List.copyOf(out), null);
  }

  /** True once a page reaches past the lookback: the listing is newest first, so older pages are not needed. */
  public static boolean reachesBefore(List<HookDelivery> page, Instant since) {
    return page.stream().anyMatch(d -> d.deliveredAt().isBefore(since));
  }
}
