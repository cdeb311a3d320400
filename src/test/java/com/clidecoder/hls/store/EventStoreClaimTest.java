package com.clidecoder.hls.store;

import static com.clidecoder.hls.store.StoreFixture.lastColumn;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.QueuedEvent;
import java.nio.file.Path;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventStoreClaimTest {
  private static final Instant T0 = Instant.parse("2025-03-04T12:00:00Z");
  private static final Instant LEASE = T0.plus(Duration.ofMinutes(5));

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
  void claimTakesTheOldestEventOfEachRepositoryAndLeasesIt() {
    long a1 = insert("a1", "o/a", 0);
    insert("a2", "o/a", 0);
    long b1 = insert("b1", "o/b", 0);

    List<QueuedEvent> claimed = events.claimHeads(10, Set.of(), T0, "worker-1", LEASE);

    assertEquals(List.of(a1, b1), ids(claimed));
    assertEquals("a1", claimed.get(0).deliveryId());
    assertEquals(T0, claimed.get(0).createdAt());
    assertEquals("processing|worker-1|" + LEASE.toEpochMilli() + "|" + T0.toEpochMilli(), StoreFixture.stringValue(db,
        "SELECT status || '|' || lease_owner || '|' || lease_expires_at || '|' || started_at FROM webhook_events WHERE id = ?", a1));
    assertEquals(Optional.of(EventStatus.PENDING), events.statusOf(a1 + 1));
  }

  @Test
  void busyRepositoriesAreLeftWaiting() {
    insert("a1", "o/a", 0);
    long b1 = insert("b1", "o/b", 0);

    assertEquals(List.of(b1), ids(events.claimHeads(10, Set.of("o/a"), T0, "w", LEASE)));
    assertEquals(1, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events WHERE status = 'pending'"));
  }

  @Test
  void aClaimThatNeverReachedAWorkerIsClaimedAgainOnceItsLeaseIsOverAndItsRepositoryIdle() {
    long a1 = insert("a1", "o/a", 0);
    long a2 = insert("a2", "o/a", 0);
    long b1 = insert("b1", "o/b", 0);
    Instant lease = T0.plusSeconds(60);
    events.claimHeads(1, Set.of("o/b"), T0, "w", lease); // a1 claimed; its answer is then lost
    events.scheduleRetry(b1, "github 502", T0); // b1 was worked on and failed once

    // While o/a is busy (another of its events in flight) its expired claim stays its worker's.
    assertEquals(List.of(b1), ids(events.claimHeads(10, Set.of("o/a"), lease, "w", LEASE)));
    assertEquals(Optional.of(EventStatus.PROCESSING), events.statusOf(a1));
    // Before the lease is over nothing is taken back, even from an idle repository, and a2 does not overtake a1.
    events.scheduleRetry(b1, "github 502", T0);
    assertEquals(List.of(b1), ids(events.claimHeads(10, Set.of(), lease.minusMillis(1), "w", LEASE)));
    // Lease over, repository idle: a1 is its repository's head again, ahead of a2.
    events.scheduleRetry(b1, "github 502", T0);
    List<QueuedEvent> again = events.claimHeads(10, Set.of("o/b"), lease, "w", LEASE);
    assertEquals(List.of(a1), ids(again));
    assertEquals(0, again.get(0).retryCount(), "a lost claim is not a failed attempt");
    assertEquals(LEASE.toEpochMilli(), StoreFixture.longValue(db, "SELECT lease_expires_at FROM webhook_events WHERE id = ?", a1));
    assertEquals(Optional.of(EventStatus.PENDING), events.statusOf(a2));
  }

  @Test
  void aProcessingRowWithoutALeaseAsTheOldWorkersLeftItIsReleasedAtStartAndByTheClaim() {
    long a1 = insert("a1", "o/a", 0);
    long b1 = insert("b1", "o/b", 0);
    insert("b2", "o/b", 0);
    leaseless(a1);
    leaseless(b1);
    // At start every 'processing' row is a dead process's, with a lease or without.
    assertEquals(2, events.releaseExpiredLeases(Instant.ofEpochMilli(Long.MAX_VALUE)));
    // Found by a claim instead: nobody's, so each is its repository's head again (b2 stays behind b1).
    leaseless(a1);
    leaseless(b1);
    assertEquals(List.of(a1, b1), ids(events.claimHeads(10, Set.of(), T0, "w", LEASE)));
  }

  /** 'processing' with no lease, as the Python workers left rows they were stopped in the middle of. */
  private void leaseless(long id) {
    StoreFixture.execute(db, "UPDATE webhook_events SET status = 'processing', lease_owner = NULL,"
        + " lease_expires_at = NULL WHERE id = " + id);
  }

  @Test
  void aHeadInRetryBackoffHoldsBackTheLaterEventsOfItsRepository() {
    long a1 = insert("a1", "o/a", 0);
    insert("a2", "o/a", 0);
    long b1 = insert("b1", "o/b", 0);
    events.claimHeads(1, Set.of("o/b"), T0, "w", LEASE);
    events.scheduleRetry(a1, "claude 529", T0.plusSeconds(60));

    assertEquals(List.of(b1), ids(events.claimHeads(10, Set.of(), T0.plusSeconds(30), "w", LEASE)));

    List<QueuedEvent> later = events.claimHeads(10, Set.of("o/b"), T0.plusSeconds(60), "w", LEASE);
    assertEquals(List.of(a1), ids(later));
    assertEquals(1, later.get(0).retryCount());
  }

  @Test
  void higherPriorityRepositoriesAreClaimedFirstThenOlderFirst() {
    long low = insert("low", "o/low", 0);
    long high = insert("high", "o/high", 5);
    long mid1 = insert("mid1", "o/mid1", 2);
    long mid2 = insert("mid2", "o/mid2", 2);

    assertEquals(List.of(high, mid1), ids(events.claimHeads(2, Set.of(), T0, "w", LEASE)));
    assertEquals(List.of(mid2, low), ids(events.claimHeads(5, Set.of(), T0, "w", LEASE)));
  }

  @Test
  void theLimitCountsOnlyClaimableRepositories() {
    insert("a", "o/a", 0);
    long b = insert("b", "o/b", 0);
    long c = insert("c", "o/c", 0);
    insert("d", "o/d", 0);

    assertEquals(List.of(b, c), ids(events.claimHeads(2, Set.of("o/a"), T0, "w", LEASE)));
    assertTrue(events.claimHeads(0, Set.of(), T0, "w", LEASE).isEmpty());
    assertEquals(2, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events WHERE status = 'pending'"));
  }

  @Test
  void finishedEventsAreNeverClaimedAndTheirRepositoryMovesOn() {
    long a1 = insert("a1", "o/a", 0);
    long a2 = insert("a2", "o/a", 0);
    long a3 = insert("a3", "o/a", 0);
    events.claimHeads(1, Set.of(), T0, "w", LEASE);
    events.markCompleted(a1, T0);

    assertEquals(List.of(a2), ids(events.claimHeads(1, Set.of(), T0, "w", LEASE)));
    events.markSkipped(a2, "action closed is not analysed", T0);
    assertEquals(List.of(a3), ids(events.claimHeads(1, Set.of(), T0, "w", LEASE)));
    events.markFailed(a3, "gave up", T0);
    assertTrue(events.claimHeads(1, Set.of(), T0, "w", LEASE).isEmpty());
  }

  @Test
  void nextDueIsTheEarliestHeadAndIgnoresEventsHeldBehindABackoff() {
    assertEquals(Optional.empty(), events.nextDue());
    long a1 = insert("a1", "o/a", 0);
    insert("a2", "o/a", 0);
    assertEquals(Optional.of(T0), events.nextDue());

    events.claimHeads(1, Set.of(), T0, "w", LEASE);
    events.scheduleRetry(a1, "timeout", T0.plusSeconds(90));

    assertEquals(Optional.of(T0.plusSeconds(90)), events.nextDue());
  }

  @Test
  void theClaimQueryUsesIndexesNotAFullTableScan() {
    // Mostly finished rows, a few waiting ones, then statistics: the shape of a long-running queue.
    db.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)"
            + " INSERT INTO webhook_events (delivery_id, event_type, repository, payload_json, status, created_at,"
            + " scheduled_at) SELECT 'd' || i, 'issues', 'o/r' || (i % 40), '{}',"
            + " CASE WHEN i > 4950 THEN 'pending' WHEN i % 50 = 0 THEN 'failed' ELSE 'completed' END, i, i FROM n");
      }
      return null;
    });
    for (String when : List.of("before ANALYZE", "after ANALYZE")) {
      List<String> plan = db.read(c -> lastColumn(c, "EXPLAIN QUERY PLAN " + EventStore.CLAIM_HEADS_SQL.replace("?", "0")));
      assertTrue(plan.stream().anyMatch(l -> l.contains("USING INDEX") || l.contains("USING COVERING INDEX")),
          when + ": " + plan);
      assertFalse(plan.stream().anyMatch(l -> l.matches("SCAN webhook_events( .*)?") && !l.contains("INDEX")),
          when + ": " + plan);
      // The heads come from seeks in the partial index of waiting rows, not from grouping every waiting row.
      assertTrue(plan.stream().anyMatch(l -> l.contains("idx_events_waiting (repository>?)")), when + ": " + plan);
      assertFalse(plan.stream().anyMatch(l -> l.contains("TEMP B-TREE FOR GROUP BY")), when + ": " + plan);
      assertTrue(plan.stream().anyMatch(l -> l.contains("SEARCH h USING INDEX idx_events_waiting (repository=? AND id=?)")),
          when + ": " + plan);
      assertFalse(plan.stream().anyMatch(l -> l.startsWith("SCAN h")), when + ": the heads are sought, not scanned: " + plan);
      List<String> processing = db.read(c -> lastColumn(c, "EXPLAIN QUERY PLAN " + EventStore.PROCESSING_SQL));
      assertTrue(processing.stream().allMatch(l -> l.contains("USING INDEX") || l.contains("USING COVERING INDEX")),
          when + ": the claim's look at events in progress reads no finished rows: " + processing);
      StoreFixture.execute(db, "ANALYZE");
    }
    assertEquals(40, events.claimHeads(100, Set.of(), Instant.ofEpochMilli(10_000), "w", LEASE).size());
  }

  private long insert(String deliveryId, String repository, int priority) {
    NewDelivery d = new NewDelivery(deliveryId, "issues", repository, "opened", "{}", null, priority);
    return events.insertBatch(List.of(d), T0).get(0).id();
  }

  private static List<Long> ids(List<QueuedEvent> events) {
    return events.stream().map(QueuedEvent::id).toList();
  }
}
