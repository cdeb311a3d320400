package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.StoredDelivery;
import com.clidecoder.hls.testkit.IntakeHarness;
import com.clidecoder.hls.testkit.WriteLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The group-commit writer over a real SQLite file. */
// "try": a held WriteLock is used only for its effect on the database file.
@SuppressWarnings("try")
class IntakeWriterTest {
  private static final ActorTestKit testKit = ActorTestKit.create();

  @TempDir Path dir;
  private IntakeHarness harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) harness.close();
  }

  @AfterAll
  static void stopTestKit() {
    testKit.shutdownTestKit();
  }

  private IntakeHarness harness(String hocon) {
    harness = new IntakeHarness(dir, hocon, testKit.system());
    return harness;
  }

  static NewDelivery delivery(String id) {
    return new NewDelivery(id, "issues", "hls-test/sandbox", "opened",
        "{\"action\":\"opened\",\"n\":\"" + id + "\"}", null, 0);
  }

  private static StoredDelivery await(CompletableFuture<StoredDelivery> f) throws Exception {
    return f.get(30, TimeUnit.SECONDS);
  }

  private static Throwable failureOf(CompletableFuture<StoredDelivery> f) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(30, TimeUnit.SECONDS));
    return e.getCause();
  }

  @Test
  void concurrentSubmissionsShareTransactionsAndEachIsAnsweredAfterItsCommit() throws Exception {
    IntakeHarness h = harness("hls.database.max-batch = 50");
    List<CompletableFuture<StoredDelivery>> results = new ArrayList<>();
    for (int i = 0; i < 1000; i++) results.add(h.writer.submit(delivery("d-" + i)).toCompletableFuture());
    Set<Long> ids = new HashSet<>();
    for (CompletableFuture<StoredDelivery> f : results) {
      StoredDelivery stored = await(f);
      assertInstanceOf(StoredDelivery.Queued.class, stored);
      ids.add(stored.id());
      assertTrue(h.event(stored.id()).isPresent(), "answered only once the row is readable");
    }
    assertEquals(1000, ids.size());
    assertEquals(1000, h.rows());
    assertEquals(1000, h.writer.deliveriesCommitted());
    long batches = h.writer.batchesCommitted();
    assertTrue(batches < 1000, "group commit: " + batches + " transactions for 1000 deliveries");
    assertTrue(batches >= 20, "max-batch 50 caps a transaction: " + batches + " transactions");
  }

  @Test
  void whatAnAnsweredRequestDoesNextDoesNotHoldBackTheNextCommit() throws Exception {
    IntakeHarness h = harness("");
    CompletableFuture<Boolean> sawSecondCommitted;
    try (WriteLock held = WriteLock.hold(h.db.path())) {
      // The lock keeps the first commit waiting until its continuation is attached, so the continuation
      // runs where the writer answers, not on this thread. It waits for a second delivery's commit: if
      // answering a batch held the writer, that commit could not start until the continuation gave up.
      sawSecondCommitted = h.writer.submit(delivery("first")).toCompletableFuture().thenApply(first -> {
        h.writer.submit(delivery("second"));
        // Polled, not spun: a spinning thread takes a core the writer may need on a 2-core machine.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (h.writer.deliveriesCommitted() < 2 && System.nanoTime() < deadline) LockSupport.parkNanos(1_000_000);
        return h.writer.deliveriesCommitted() == 2;
      });
    }
    assertTrue(sawSecondCommitted.get(30, TimeUnit.SECONDS), "second delivery committed while the first's answer ran");
    assertEquals(2, h.rows());
  }

  @Test
  void sameDeliveryTwiceIsOneRowAndADuplicate() throws Exception {
    IntakeHarness h = harness("");
    CompletableFuture<StoredDelivery> first = h.writer.submit(delivery("same")).toCompletableFuture();
    CompletableFuture<StoredDelivery> second = h.writer.submit(delivery("same")).toCompletableFuture();
    StoredDelivery a = await(first);
    StoredDelivery b = await(second);
    assertInstanceOf(StoredDelivery.Queued.class, a);
    assertEquals(new StoredDelivery.Duplicate(a.id()), b);
    assertEquals(1, h.rows());
  }

  @Test
  void failedCommitFailsEveryRequestOfTheBatchAndTheWriterRecovers() throws Exception {
    IntakeHarness h = harness("hls.database.busy-timeout = 200ms");
    List<CompletableFuture<StoredDelivery>> results = new ArrayList<>();
    try (WriteLock held = WriteLock.hold(h.db.path())) {
      for (int i = 0; i < 5; i++) results.add(h.writer.submit(delivery("locked-" + i)).toCompletableFuture());
      for (CompletableFuture<StoredDelivery> f : results) assertInstanceOf(StoreException.class, failureOf(f));
    }
    assertEquals(0, h.rows());
    assertEquals(0, h.writer.batchesCommitted());
    // Every pooled connection that met the lock must be usable again (a failed BEGIN must not poison it).
    for (int i = 0; i < 10; i++) {
      assertInstanceOf(StoredDelivery.Queued.class, await(h.writer.submit(delivery("after-" + i)).toCompletableFuture()));
    }
    assertEquals(10, h.rows());
  }

  @Test
  void fullQueueRefusesAtOnceInsteadOfWaiting() throws Exception {
    // A busy timeout well past the loop below, so that the first commit is still waiting, not failed, when counted.
    IntakeHarness h = harness("hls.database.busy-timeout = 10s\nhls.database.max-batch = 1\nhls.database.intake-buffer = 2");
    List<CompletableFuture<StoredDelivery>> results = new ArrayList<>();
    try (WriteLock held = WriteLock.hold(h.db.path())) {
      for (int i = 0; i < 20; i++) results.add(h.writer.submit(delivery("q-" + i)).toCompletableFuture());
      // While the first commit waits for the lock, the overflow is already refused.
      long refusedWhileLocked = results.stream()
          .filter(f -> f.isCompletedExceptionally() && failureOf(f) instanceof IntakeWriter.Refused)
          .count();
      assertTrue(refusedWhileLocked >= 10, refusedWhileLocked + " refused while the writer was stuck");
    }
    long queued = 0;
    for (CompletableFuture<StoredDelivery> f : results) {
      try {
        if (await(f) instanceof StoredDelivery.Queued) queued++;
      } catch (ExecutionException refusedOrBusy) {
        assertTrue(refusedOrBusy.getCause() instanceof IntakeWriter.Refused
            || refusedOrBusy.getCause() instanceof StoreException, refusedOrBusy.getCause().toString());
      }
    }
    assertEquals(queued, h.rows(), "exactly the acknowledged deliveries are stored");
  }

  @Test
  void drainCommitsWhatIsQueuedAndRefusesLaterSubmissions() throws Exception {
    IntakeHarness h = harness("");
    List<CompletableFuture<StoredDelivery>> results = new ArrayList<>();
    for (int i = 0; i < 100; i++) results.add(h.writer.submit(delivery("drain-" + i)).toCompletableFuture());
    h.writer.drain().toCompletableFuture().get(30, TimeUnit.SECONDS);
    for (CompletableFuture<StoredDelivery> f : results) assertTrue(f.isDone() && !f.isCompletedExceptionally());
    assertEquals(100, h.rows());
    assertInstanceOf(IntakeWriter.Refused.class, failureOf(h.writer.submit(delivery("late")).toCompletableFuture()));
  }
}
