package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.QueuedEvent;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreLifecycleTest {
  private static final Instant T0 = Instant.parse("2025-03-04T12:00:00Z");

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
  void expiredLeasesReturnToTheQueueAndLiveOnesStay() {
    long a = insert("a", "o/a");
    long b = insert("b", "o/b");
    events.claimHeads(1, Set.of("o/b"), T0, "w", T0.plusSeconds(60));
    events.claimHeads(1, Set.of(), T0, "w", T0.plusSeconds(600));

    assertEquals(0, events.releaseExpiredLeases(T0.plusSeconds(59)));
    assertEquals(1, events.releaseExpiredLeases(T0.plusSeconds(60)));

    assertEquals(Optional.of(EventStatus.PENDING), events.statusOf(a));
    assertEquals(Optional.of(EventStatus.PROCESSING), events.statusOf(b));
    assertNull(StoreFixture.stringValue(db, "SELECT lease_owner FROM webhook_events WHERE id = ?", a));
    assertNull(StoreFixture.stringValue(db, "SELECT lease_expires_at FROM webhook_events WHERE id = ?", a));
  }

  @Test
  void releasingWithInstantMaxReturnsEveryClaimedEventAndRetriedOnesStayRetries() {
    long a = insert("a", "o/a");
    long b = insert("b", "o/b");
    events.claimHeads(2, Set.of(), T0, "w", T0.plusSeconds(60));
    events.scheduleRetry(b, "429", T0);
    events.claimHeads(2, Set.of(), T0, "w", T0.plusSeconds(60));

    assertEquals(2, events.releaseExpiredLeases(Instant.MAX));

    assertEquals(Optional.of(EventStatus.PENDING), events.statusOf(a));
    assertEquals(Optional.of(EventStatus.RETRY), events.statusOf(b));
  }

  @Test
  void releaseReturnsOneClaimedEventWithoutCountingAnAttempt() {
    long a = insert("a", "o/a");
    long b = insert("b", "o/b");
    events.claimHeads(1, Set.of("o/b"), T0, "w", T0.plusSeconds(60));

    events.release(a, T0.plusSeconds(30));
    events.release(b, T0.plusSeconds(30));

    assertEquals("pending|0|" + T0.plusSeconds(30).toEpochMilli(), row(a, "status || '|' || retry_count || '|' || scheduled_at"));
    assertEquals("pending|0|" + T0.toEpochMilli(), row(b, "status || '|' || retry_count || '|' || scheduled_at"),
        "an event that was not claimed is untouched");
  }

  @Test
  void scheduleRetryCountsTheAttemptAndRecordsTheErrorAndDueTime() {
    long a = insert("a", "o/a");
    events.claimHeads(1, Set.of(), T0, "w", T0.plusSeconds(60));

    events.scheduleRetry(a, "HTTP 529 overloaded", T0.plusSeconds(10));
    events.claimHeads(1, Set.of(), T0.plusSeconds(10), "w", T0.plusSeconds(60));
    events.scheduleRetry(a, "HTTP 500", T0.plusSeconds(40));

    assertEquals("retry|2|HTTP 500|" + T0.plusSeconds(40).toEpochMilli(),
        row(a, "status || '|' || retry_count || '|' || error_message || '|' || scheduled_at"));
    assertNull(StoreFixture.stringValue(db, "SELECT lease_owner FROM webhook_events WHERE id = ?", a));
    assertEquals(2, events.find(a).orElseThrow().retryCount());
  }

  @Test
  void requeueTakesBackOnlyFailedEventsWithAFreshCount() {
    long failed = insert("f", "o/a");
    long completed = insert("c", "o/b");
    long pending = insert("p", "o/c");
    events.scheduleRetry(failed, "x", T0);
    events.markFailed(failed, "gave up after 5 attempts", T0);
    events.markCompleted(completed, T0);

    assertFalse(events.requeue(completed, T0.plusSeconds(5)));
    assertFalse(events.requeue(pending, T0.plusSeconds(5)));
    assertFalse(events.requeue(9999, T0.plusSeconds(5)));
    assertTrue(events.requeue(failed, T0.plusSeconds(5)));

    assertEquals("pending|0|" + T0.plusSeconds(5).toEpochMilli(),
        row(failed, "status || '|' || retry_count || '|' || scheduled_at"));
    assertNull(StoreFixture.stringValue(db, "SELECT error_message FROM webhook_events WHERE id = ?", failed));
    assertNull(StoreFixture.stringValue(db, "SELECT completed_at FROM webhook_events WHERE id = ?", failed));
    assertEquals(Optional.of(EventStatus.COMPLETED), events.statusOf(completed));
    assertFalse(events.requeue(failed, T0.plusSeconds(6)), "it is no longer failed");
  }

  @Test
  void requeueAllFailedCountsWhatItTookBack() {
    long a = insert("a", "o/a");
    long b = insert("b", "o/b");
    insert("c", "o/c");
    events.markFailed(a, "x", T0);
    events.markFailed(b, "y", T0);

    assertEquals(2, events.requeueAllFailed(T0));
    assertEquals(0, events.requeueAllFailed(T0));
    assertEquals(3, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events WHERE status = 'pending'"));
  }

  @Test
  void finishingRecordsStatusTimeAndReasonAndClearsTheLease() {
    long skipped = insert("s", "o/a");
    long done = insert("d", "o/b");
    events.claimHeads(2, Set.of(), T0, "w", T0.plusSeconds(60));

    events.markSkipped(skipped, "action labeled is not analysed", T0.plusSeconds(1));
    events.markCompleted(done, T0.plusSeconds(2));

    assertEquals("skipped|skipped: action labeled is not analysed|" + T0.plusSeconds(1).toEpochMilli(),
        row(skipped, "status || '|' || error_message || '|' || completed_at"));
    assertEquals("completed|" + T0.plusSeconds(2).toEpochMilli(), row(done, "status || '|' || completed_at"));
    assertNull(StoreFixture.stringValue(db, "SELECT lease_owner FROM webhook_events WHERE id = ?", skipped));
    assertTrue(EventStatus.SKIPPED.isFinal());
  }

  @Test
  void findReturnsTheStoredEventAndNothingForAnUnknownId() {
    long a = insert("a", "o/a");

    QueuedEvent e = events.find(a).orElseThrow();

    assertEquals(new QueuedEvent(a, "a", "issues", "o/a", "opened", "{\"n\":1}", 0, 2, T0), e);
    assertEquals(Optional.empty(), events.find(a + 100));
    assertEquals(Optional.empty(), events.statusOf(a + 100));
  }

  private long insert(String deliveryId, String repository) {
    NewDelivery d = new NewDelivery(deliveryId, "issues", repository, "opened", "{\"n\":1}", null, 2);
    return events.insertBatch(List.of(d), T0).get(0).id();
  }

  private String row(long id, String expression) {
    return StoreFixture.stringValue(db, "SELECT " + expression + " FROM webhook_events WHERE id = ?", id);
  }
}
