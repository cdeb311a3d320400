package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.store.StoreException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store work of the {@link QueueSupervisor}, each step on the JDBC dispatcher as a future the actor
 * pipes back to itself: recovering leases at start, the budget check and the claim, recording an
 * aborted attempt, and returning events to the queue at the drain deadline.
 */
final class QueueWork {
  private static final Logger log = LoggerFactory.getLogger(QueueWork.class);

  /** A claim: the events, when the next one is due, or a pause because the day's budget is spent. */
  record Claim(int requested, List<QueuedEvent> events, Optional<Instant> nextDue, Optional<String> budgetPause,
      Optional<Instant> budgetResumes) {}

  private final Pipeline pipeline;
  private final String owner;

  QueueWork(Pipeline pipeline, String owner) {
    this.pipeline = pipeline;
    this.owner = owner;
  }

  /** This process holds the database's instance lock, so every 'processing' row was left by a dead one. */
  CompletableFuture<Integer> recoverLeases() {
    return CompletableFuture.supplyAsync(
        () -> pipeline.events().releaseExpiredLeases(Instant.ofEpochMilli(Long.MAX_VALUE)), pipeline.jdbc());
  }

  /** Up to {@code capacity} due events of repositories not {@code busy}, unless today's budget is spent. */
  CompletableFuture<Claim> claim(int capacity, Set<String> busy, Instant now, Instant leaseUntil,
      HlsConfig.Claude claude) {
    return CompletableFuture.supplyAsync(() -> {
      if (!claude.offline()) {
        double spent = pipeline.stats().spentToday(now);
        if (spent >= claude.dailyBudgetUsd()) {
          Instant midnight = LocalDate.ofInstant(now, ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
          String reason = String.format("daily budget of $%s reached ($%.4f spent today); resumes at %s",
              BigDecimal.valueOf(claude.dailyBudgetUsd()).stripTrailingZeros().toPlainString(), spent, midnight);
          return new Claim(capacity, List.of(), Optional.empty(), Optional.of(reason), Optional.of(midnight));
        }
      }
      List<QueuedEvent> events = pipeline.events().claimHeads(capacity, busy, now, owner, leaseUntil);
      return new Claim(capacity, events, nextDueOrPoll(), Optional.empty(), Optional.empty());
    }, pipeline.jdbc());
  }

  /**
   * When the next retry is due, or empty (the poll then finds it) if that cannot be read now: the claim
   * before it is committed, and a failure here must not lose the events it claimed. (It did: reads are
   * refused while the files turn read-only, and the claimed rows waited in 'processing' for a restart.)
   */
  private Optional<Instant> nextDueOrPoll() {
    try {
      return pipeline.events().nextDue();
    } catch (StoreException e) {
      log.warn("event=next_due_unknown error={} (the poll looks again)", e.getMessage());
      return Optional.empty();
    }
  }

  /** The aborted attempt: a retry at its backoff, or failed for good when it was the last one allowed. */
  CompletableFuture<Void> recordAbort(QueuedEvent e, String reason, Instant now, HlsConfig.Workers workers) {
    return CompletableFuture.runAsync(() -> {
      if (Backoff.wasLastAttempt(workers, e.retryCount())) {
        pipeline.events().markFailed(e.id(), Backoff.gaveUp(e.retryCount(), reason), now);
      } else {
        pipeline.events().scheduleRetry(e.id(), reason, now.plus(Backoff.next(workers, e.retryCount(), Optional.empty())));
      }
    }, pipeline.jdbc());
  }

  /** Returns events to the queue, due now, untouched (the drain deadline passed before they finished). */
  CompletableFuture<Void> release(Collection<QueuedEvent> events, Instant now) {
    List<QueuedEvent> copy = List.copyOf(events);
    return CompletableFuture.runAsync(() -> copy.forEach(e -> pipeline.events().release(e.id(), now)), pipeline.jdbc());
  }
}
