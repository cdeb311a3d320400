package com.clidecoder.hls.intake;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Fails the commit waits that outlast {@code hls.server.commit-timeout}, with one timer for all of them.
 * {@code orTimeout} per delivery scheduled a task and cancelled it again on the JDK's delay queue (a
 * lock, a heap insert and removal, three objects) for every request. Here each wait joins a FIFO queue;
 * all waits have the same timeout, so their deadlines are in queue order and a sweep only looks at the
 * head: it drops the waits that ended and fails the overdue ones. A sweep is scheduled only while
 * something waits (an idle service has no timer), every tenth of the timeout, so an overdue wait is
 * answered at most that much late.
 */
final class CommitDeadlines {
  private record Waiting(long deadlineNanos, CompletableFuture<?> result) {}

  private final long timeoutNanos;
  private final long sweepNanos;
  private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sweepScheduled = new AtomicBoolean();

  CommitDeadlines(Duration timeout) {
    this.timeoutNanos = timeout.toNanos();
    this.sweepNanos = Math.max(timeoutNanos / 10, TimeUnit.MILLISECONDS.toNanos(10));
  }

  /** Fails {@code result} with a {@link TimeoutException} if it is not complete within the timeout; returns it. */
  <T> CompletableFuture<T> watch(CompletableFuture<T> result) {
    if (result.isDone()) return result;
    waiting.add(new Waiting(System.nanoTime() + timeoutNanos, result));
    if (sweepScheduled.compareAndSet(false, true)) scheduleSweep();
    return result;
  }

  /** Waits not yet dropped by a sweep (tests). */
  int watched() {
    return waiting.size();
  }

  private void scheduleSweep() {
    // Runs on the JDK's delay thread, as orTimeout's own timeout task does: completing the overdue waits
    // only hands their answers on, it does not block.
    CompletableFuture.delayedExecutor(sweepNanos, TimeUnit.NANOSECONDS, Runnable::run).execute(this::sweep);
  }

  private void sweep() {
    long now = System.nanoTime();
    for (Waiting w = waiting.peek(); w != null; w = waiting.peek()) {
      boolean overdue = now - w.deadlineNanos() >= 0;
      if (!overdue && !w.result().isDone()) break;
      waiting.poll();
      if (overdue) w.result().completeExceptionally(new TimeoutException());
    }
    sweepScheduled.set(false);
    // A wait added after the loop saw the queue but before the flag was cleared found the flag set and
    // left the scheduling to this sweep.
    if (!waiting.isEmpty() && sweepScheduled.compareAndSet(false, true)) scheduleSweep();
  }
}
