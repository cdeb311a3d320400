package com.clidecoder.hls.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

/** What the reconciler needs from the database: which guids HLS saw, and which it already asked again. */
public final class ReconcileStore {
  private final Database db;

  public ReconcileStore(Database db) {
    this.db = db;
  }

  /** Records a guid the intake answered without storing an event (ignored); a second call keeps the first. */
  public void recordSeen(String guid, String answer, Instant now) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO seen_deliveries (guid, answer, seen_at) VALUES (?, ?, ?) ON CONFLICT (guid) DO NOTHING",
        guid, answer, now.toEpochMilli()));
  }

  /** The subset of {@code guids} HLS stored as an event, saw at intake, or already asked a redelivery for. */
  public Set<String> known(Collection<String> guids) {
    return db.read(c -> {
      Set<String> known = new HashSet<>();
      try (PreparedStatement events = c.prepareStatement("SELECT 1 FROM webhook_events WHERE delivery_id = ?");
          PreparedStatement seen = c.prepareStatement("SELECT 1 FROM seen_deliveries WHERE guid = ?");
          PreparedStatement asked = c.prepareStatement("SELECT 1 FROM redelivery_requests WHERE guid = ?")) {
        for (String guid : guids) {
          if (exists(events, guid) || exists(seen, guid) || exists(asked, guid)) known.add(guid);
        }
      }
      return known;
    });
  }

  /** Records that a redelivery was asked for {@code guid}; false when one was already recorded. */
  public boolean recordAsked(String guid, long deliveryId, Instant now) {
    return db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO redelivery_requests (guid, delivery_id, asked_at) VALUES (?, ?, ?) ON CONFLICT (guid) DO NOTHING",
        guid, deliveryId, now.toEpochMilli()) == 1);
  }

  private static boolean exists(PreparedStatement s, String guid) throws java.sql.SQLException {
    s.setString(1, guid);
    try (ResultSet rs = s.executeQuery()) {
      return rs.next();
    }
  }
}
