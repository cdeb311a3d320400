package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.StoredDelivery;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreInsertTest {
  private static final Instant NOON = Instant.parse("2025-03-04T12:00:00Z");

  @TempDir Path dir;
  private Database db;
  private EventStore events;

  @BeforeEach
  void open() {
    db = StoreFixture.open(dir);
    events = new EventStore(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void newDeliveriesAreQueuedWithEveryFieldStored() {
    NewDelivery d = new NewDelivery("d-1", "pull_request", "Owner/Repo", "opened", "{\"a\":\"'$(x)`\"}", "sha256=ab", 3);

    List<StoredDelivery> stored = events.insertBatch(List.of(d), NOON);

    StoredDelivery.Queued queued = assertInstanceOf(StoredDelivery.Queued.class, stored.get(0));
    String row = StoreFixture.stringValue(db,
        "SELECT delivery_id || '|' || event_type || '|' || repository || '|' || action || '|' || payload_json"
            + " || '|' || signature || '|' || status || '|' || retry_count || '|' || priority || '|' || created_at"
            + " || '|' || scheduled_at FROM webhook_events WHERE id = ?", queued.id());
    assertEquals("d-1|pull_request|Owner/Repo|opened|{\"a\":\"'$(x)`\"}|sha256=ab|pending|0|3|"
        + NOON.toEpochMilli() + "|" + NOON.toEpochMilli(), row);
    assertNull(StoreFixture.stringValue(db, "SELECT started_at FROM webhook_events WHERE id = ?", queued.id()));
  }

  @Test
  void aKnownDeliveryIdIsADuplicateOfItsRowAndChangesNothing() {
    long first = events.insertBatch(List.of(delivery("d-1", "o/r")), NOON).get(0).id();

    List<StoredDelivery> again = events.insertBatch(List.of(delivery("d-1", "o/other")), NOON.plusSeconds(5));

    assertEquals(List.of(new StoredDelivery.Duplicate(first)), again);
    assertEquals(1, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events"));
    assertEquals("o/r", StoreFixture.stringValue(db, "SELECT repository FROM webhook_events"));
  }

  @Test
  void aBatchAnswersInOrderAndTreatsARepeatWithinItAsADuplicate() {
    long a = events.insertBatch(List.of(delivery("a", "o/r")), NOON).get(0).id();

    List<StoredDelivery> batch = events.insertBatch(
        List.of(delivery("b", "o/r"), delivery("a", "o/r"), delivery("c", "o/s"), delivery("b", "o/r")), NOON);

    long b = assertInstanceOf(StoredDelivery.Queued.class, batch.get(0)).id();
    assertEquals(new StoredDelivery.Duplicate(a), batch.get(1));
    long c = assertInstanceOf(StoredDelivery.Queued.class, batch.get(2)).id();
    assertEquals(new StoredDelivery.Duplicate(b), batch.get(3));
    assertEquals(3, List.of(a, b, c).stream().distinct().count(), "three different rows");
    assertEquals(3, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events"));
  }

  @Test
  void dailyWebhooksCountOnlyNewRowsOnTheirUtcDay() {
    events.insertBatch(List.of(delivery("a", "o/r"), delivery("b", "o/r"), delivery("a", "o/r")), NOON);
    events.insertBatch(List.of(delivery("b", "o/r")), NOON);
    events.insertBatch(List.of(delivery("c", "o/r")), Instant.parse("2025-03-04T23:59:59Z"));
    events.insertBatch(List.of(delivery("d", "o/r")), Instant.parse("2025-03-05T00:00:00Z"));

    assertEquals(3, StoreFixture.longValue(db, "SELECT webhooks_received FROM daily_stats WHERE date = '2025-03-04'"));
    assertEquals(1, StoreFixture.longValue(db, "SELECT webhooks_received FROM daily_stats WHERE date = '2025-03-05'"));
    assertEquals(2, StoreFixture.longValue(db, "SELECT COUNT(*) FROM daily_stats"));
  }

  @Test
  void aBatchOfOnlyDuplicatesLeavesDailyStatsAlone() {
    events.insertBatch(List.of(delivery("a", "o/r")), NOON);
    events.insertBatch(List.of(delivery("a", "o/r")), Instant.parse("2025-03-06T00:00:00Z"));

    assertEquals(0, StoreFixture.longValue(db, "SELECT COUNT(*) FROM daily_stats WHERE date = '2025-03-06'"));
  }

  static NewDelivery delivery(String id, String repository) {
    return new NewDelivery(id, "issues", repository, "opened", "{\"id\":\"" + id + "\"}", null, 0);
  }
}
