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
    CommitDeadlines deadlines = new CommitDeadlines(Duration.ofMillis(200));
    CompletableFuture<String> answered = deadlines.watch(new CompletableFuture<>());
    CompletableFuture<String> stuck = deadlines.watch(new CompletableFuture<>());
    answered.complete("committed");

    ExecutionException e = assertThrows(ExecutionException.class, () -> stuck.get(5, TimeUnit.SECONDS));
    assertInstanceOf(TimeoutException.class, e.getCause());
    assertEquals("committed", answered.get());
  }

  @Test
  void waitsArrivingWhileOthersTimeOutGetTheirOwnFullTimeout() throws Exception {
    CommitDeadlines deadlines = new CommitDeadlines(Duration.ofMillis(300));
    CompletableFuture<String> first = deadlines.watch(new CompletableFuture<>());
    Thread.sleep(200);
    CompletableFuture<String> second = deadlines.watch(new CompletableFuture<>());
    long secondWatched = System.nanoTime();
    assertThrows(ExecutionException.class, () -> first.get(5, TimeUnit.SECONDS));
    assertFalse(second.isDone(), "the second wait is 100 ms into its 300 ms");
    assertThrows(ExecutionException.class, () -> second.get(5, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - secondWatched >= TimeUnit.MILLISECONDS.toNanos(300), "not before its own deadline");
  }

  @Test
  void answeredWaitsAreDroppedSoTheQueueDoesNotGrowUnderLoad() throws Exception {
    CommitDeadlines deadlines = new CommitDeadlines(Duration.ofMillis(100));
    List<CompletableFuture<String>> waits = new ArrayList<>();
    for (int i = 0; i < 1000; i++) waits.add(deadlines.watch(new CompletableFuture<>()));
    waits.forEach(w -> w.complete("committed"));
    assertEquals(1000, deadlines.watched());
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (deadlines.watched() > 0 && System.nanoTime() < until) Thread.sleep(10);
    assertEquals(0, deadlines.watched());
    for (CompletableFuture<String> w : waits) assertEquals("committed", w.get());
    // A wait that is already answered is not watched at all.
    deadlines.watch(CompletableFuture.completedFuture("at once"));
    assertEquals(0, deadlines.watched());
  }
}
