package com.clidecoder.hls.github;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The paced lane for one token's content-creating requests: one at a time, the next no sooner than
 * {@code interval} after the previous one was answered, none while a rate-limit pause lasts. GitHub asks
 * for exactly this ("make requests serially", "at least one second between each request", at most 80
 * content-generating requests a minute). Pure state on {@link System#nanoTime()} values; the owning
 * actor drives it, so it is not thread-safe.
 */
final class WriteLane<J> {

  sealed interface Next<J> {}

  /** Run this job now; the lane is busy until {@link #finishedWrite} or {@link #finishedWithoutWrite}. */
  record Start<J>(J job) implements Next<J> {}

  /** Something is queued but may not start for {@code nanos}. */
  record WaitFor<J>(long nanos) implements Next<J> {}

  /** Busy, or nothing queued. */
  record Idle<J>() implements Next<J> {}

  private final Deque<J> queue = new ArrayDeque<>();
  private Duration interval;
  private J inFlight;
  private long nextWriteAt;
  private long pausedUntil;
  private long primaryUntil;

  WriteLane(Duration interval, long nowNanos) {
    this.interval = interval;
    this.nextWriteAt = nowNanos;
    this.pausedUntil = nowNanos;
    this.primaryUntil = nowNanos;
  }

  void enqueue(J job) {
    queue.addLast(job);
  }

  /** A job held back by a rate limit goes first once the pause ends, keeping its place. */
  void requeueFirst(J job) {
    queue.addFirst(job);
  }

  Next<J> next(long now) {
    if (inFlight != null || queue.isEmpty()) return new Idle<>();
    long earliest = later(nextWriteAt, pausedUntil);
    if (now - earliest < 0) return new WaitFor<>(earliest - now);
    inFlight = queue.pollFirst();
    return new Start<>(inFlight);
  }

  /** The write was sent (whatever came back): the next one waits a full interval from now. */
  void finishedWrite(long now) {
    inFlight = null;
    nextWriteAt = now + interval.toNanos();
  }

  /** The job ended without sending a write (a marker was found, a read failed): no interval is owed. */
  void finishedWithoutWrite() {
    inFlight = null;
  }

  /** Holds every request of this token until {@code untilNanos}; a longer pause already in force stays. */
  void pause(long untilNanos, boolean primary) {
    if (untilNanos - pausedUntil > 0) pausedUntil = untilNanos;
    if (primary && untilNanos - primaryUntil > 0) primaryUntil = untilNanos;
  }

  void clearPause(long now) {
    pausedUntil = now;
    primaryUntil = now;
  }

  long pauseRemaining(long now) {
    return Math.max(0, pausedUntil - now);
  }

  /** The primary limit is the token's whole budget: reads fail too until it resets. */
  boolean primaryPaused(long now) {
    return primaryUntil - now > 0;
  }

  void interval(Duration interval) {
    this.interval = interval;
  }

  boolean busy() {
    return inFlight != null;
  }

  int queued() {
    return queue.size();
  }

  List<J> drainQueued() {
    List<J> out = new ArrayList<>(queue);
    queue.clear();
    return out;
  }

  private static long later(long a, long b) {
    return a - b >= 0 ? a : b;
  }
}
