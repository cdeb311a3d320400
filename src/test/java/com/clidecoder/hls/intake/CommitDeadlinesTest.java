package com.clidecoder.hls.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CommitDeadlinesTest {
  @Test
  void aWaitStillOpenAtItsDeadlineFailsWithATimeoutAndOneAnsweredInTimeKeepsItsAnswer() throws Exception {
    // 1 s: the answer below must come in time even if this thread is held up on a loaded machine.
    CommitDeadlines deadlines = new CommitDeadlines(Duration.ofSeconds(1));
    CompletableFuture<String> answered = deadlines.watch(new CompletableFuture<>());
    CompletableFuture<String> stuck = deadlines.watch(new CompletableFuture<>());
    answered.complete("committed");

    ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals("committed", answered.get());
  }

  @Test
  void waitsArrivingWhileOthersTimeOutGetTheirOwnFullTimeout() throws Exception {
    CommitDeadlines deadlines = new CommitDeadlines(Duration.ofMillis(1500));
    CompletableFuture<String> first = deadlines.watch(new CompletableFuture<>());
    Thread.sleep(1000);
    CompletableFuture<String> second = deadlines.watch(new CompletableFuture<>());
    long secondWatched = System.nanoTime();
    assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
    assertFalse(second.isDone(), "the second wait is about 500 ms into its 1,500 ms");
    assertThrows(ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - secondWatched >= TimeUnit.MILLISECONDS.toNanos(1500), "not before its own deadline");
  }

  @Test
  void answeredWaitsAreDroppedSoTheQueueDoesNotGrowUnderLoad() throws Exception {
    // A 20 s timeout sweeps every 2 s: answered waits must be gone long before their deadline, so a
    // queue that kept them until then fails the 10 s bound. (No count is asserted in between: a sweep
    // may already have run on a slow machine.)
    CommitDeadlines deadlines = new CommitDeadlines(Duration.ofSeconds(20));
    List<CompletableFuture<String>> waits = new ArrayList<>();
    for (int i = 0; i < 1000; i++) waits.add(deadlines.watch(new CompletableFuture<>()));
    waits.forEach(w -> w.complete("committed"));
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (deadlines.watched() > 0 && System.nanoTime() < until) Thread.sleep(10);
    assertEquals(0, deadlines.watched());
    for (CompletableFuture<String> w : waits) assertEquals("committed", w.get());
    // A wait that is already answered is not watched at all.
    deadlines.watch(CompletableFuture.completedFuture("at once"));
    assertEquals(0, deadlines.watched());
  }
}
