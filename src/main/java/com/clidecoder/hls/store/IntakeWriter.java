package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.StoredDelivery;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one writer of new deliveries, with group commit: requests that arrive while a transaction is
 * being committed wait in a bounded queue and go into the next transaction together, so throughput is
 * not bound by one fsync per delivery. Each request's stage completes only after its transaction
 * committed, and fails when the queue is full or the commit failed: nothing is acknowledged that is
 * not on disk.
 */
public final class IntakeWriter {
  private static final Logger log = LoggerFactory.getLogger(IntakeWriter.class);

  /** The writer refused a delivery without trying to store it (queue full, or shutting down). */
  public static final class Refused extends RuntimeException {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  private record Request(NewDelivery delivery, CompletableFuture<StoredDelivery> result) {}

  private record Outcome(List<Request> batch, List<StoredDelivery> stored, Throwable failure) {}

  private final BoundedSourceQueue<Request> queue;
  private final CompletionStage<Done> drained;
  private final AtomicLong batchesCommitted = new AtomicLong();
  private final AtomicLong deliveriesCommitted = new AtomicLong();

  private IntakeWriter(
      EventStore events, Executor jdbc, int maxBatch, int buffer, Clock clock, ClassicActorSystemProvider system) {
    // batch() aggregates only while the single mapAsync slot is busy committing, so an idle writer
    // commits a lone delivery at once and a busy one folds everything that waited into one transaction.
    // Completing a stage runs what its request does next (log, reply) on the completing thread, a few
    // tens of microseconds each: the async boundary answers one batch in an actor of its own while the
    // next batch commits, instead of holding that commit back by the size of the batch.
    Pair<BoundedSourceQueue<Request>, CompletionStage<Done>> materialized =
        Source.<Request>queue(buffer)
            .batch(maxBatch, IntakeWriter::firstOfBatch, IntakeWriter::addToBatch)
            .mapAsync(1, batch -> commit(events, batch, clock, jdbc))
            .async()
            .toMat(Sink.foreach(this::answer), Keep.both())
            .run(system);
    this.queue = materialized.first();
    this.drained = materialized.second();
  }

  /**
   * Starts the writer.
   *
   * @param maxBatch most deliveries in one transaction ({@code hls.database.max-batch})
   * @param buffer most deliveries waiting for the writer before it refuses ({@code hls.database.intake-buffer})
   */
  public static IntakeWriter start(
      EventStore events, Executor jdbc, int maxBatch, int buffer, Clock clock, ClassicActorSystemProvider system) {
    return new IntakeWriter(events, jdbc, maxBatch, buffer, clock, system);
  }

  /** Completes with the stored row once it is committed; fails with {@link Refused} or {@link StoreException}. */
  public CompletionStage<StoredDelivery> submit(NewDelivery delivery) {
    CompletableFuture<StoredDelivery> result = new CompletableFuture<>();
    QueueOfferResult offered = queue.offer(new Request(delivery, result));
    if (!offered.isEnqueued()) result.completeExceptionally(new Refused(refusal(offered)));
    return result;
  }

  /** Stops taking deliveries and completes once everything already queued is committed and answered. */
  public CompletionStage<Done> drain() {
    if (!queue.isCompleted()) queue.complete();
    return drained;
  }

  /** Transactions committed so far; fewer than {@link #deliveriesCommitted()} shows group commit at work. */
  public long batchesCommitted() {
    return batchesCommitted.get();
  }

  /** Deliveries (new or duplicate) in committed transactions so far. */
  public long deliveriesCommitted() {
    return deliveriesCommitted.get();
  }

  private static String refusal(QueueOfferResult offered) {
    if (offered == QueueOfferResult.dropped()) return "intake queue is full";
    if (offered instanceof QueueOfferResult.Failure f) return "intake writer failed: " + f.cause().getMessage();
    return "intake writer is shutting down";
  }

  private static List<Request> firstOfBatch(Request r) {
    List<Request> batch = new ArrayList<>();
    batch.add(r);
    return batch;
  }

  private static List<Request> addToBatch(List<Request> batch, Request r) {
    batch.add(r);
    return batch;
  }

  /** Runs the transaction on the JDBC executor; a failure becomes a value so the stream keeps running. */
  private CompletionStage<Outcome> commit(EventStore events, List<Request> batch, Clock clock, Executor jdbc) {
    List<NewDelivery> deliveries = batch.stream().map(Request::delivery).toList();
    return CompletableFuture.supplyAsync(() -> {
          List<StoredDelivery> stored = events.insertBatch(deliveries, clock.instant());
          batchesCommitted.incrementAndGet();
          deliveriesCommitted.addAndGet(stored.size());
          return stored;
        }, jdbc)
        .handle((stored, err) -> new Outcome(batch, stored, err));
  }

  private void answer(Outcome outcome) {
    if (outcome.failure() != null) {
      Throwable cause = outcome.failure() instanceof CompletionException ce && ce.getCause() != null
          ? ce.getCause()
          : outcome.failure();
      log.warn("event=commit_failed deliveries={} error={}", outcome.batch().size(), cause.getMessage());
      for (Request r : outcome.batch()) r.result().completeExceptionally(cause);
      return;
    }
    log.debug("event=batch_committed deliveries={}", outcome.batch().size());
    for (int i = 0; i < outcome.batch().size(); i++) {
      outcome.batch().get(i).result().complete(outcome.stored().get(i));
    }
  }
}
