package com.clidecoder.hls.store;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Remembers the guids of deliveries the intake answered as ignored, so the reconciler does not count them
 * as lost. Off the request's path: the route hands the guid over and answers at once; the guids are written
 * in batches on the JDBC executor. Best effort by design: a lost guid can at worst cause one redelivery of a
 * delivery that is ignored again, so a full buffer or a failed write drops guids rather than slowing intake.
 */
public final class SeenDeliveries {
  private static final Logger log = LoggerFactory.getLogger(SeenDeliveries.class);
  static final int MAX_BUFFERED = 10_000;

  private final ReconcileStore store;
  private final Executor jdbc;
  private final Clock clock;
  private final ConcurrentLinkedQueue<String> buffered = new ConcurrentLinkedQueue<>();
  private final AtomicInteger size = new AtomicInteger();
  private final AtomicBoolean flushing = new AtomicBoolean();

  public SeenDeliveries(ReconcileStore store, Executor jdbc, Clock clock) {
    this.store = store;
    this.jdbc = jdbc;
    this.clock = clock;
  }

  /** Never blocks: called on the intake's request path. */
  public void ignored(String guid) {
    if (size.incrementAndGet() > MAX_BUFFERED) {
      size.decrementAndGet();
      return;
    }
    buffered.add(guid);
    if (flushing.compareAndSet(false, true)) jdbc.execute(this::flush);
  }

  private void flush() {
    try {
      List<String> batch = new ArrayList<>();
      for (String g; (g = buffered.poll()) != null; ) {
        size.decrementAndGet();
        batch.add(g);
      }
      if (!batch.isEmpty()) store.recordSeen(batch, "ignored", clock.instant());
    } catch (RuntimeException e) {
      log.warn("event=seen_deliveries_not_recorded error={}", e.toString());
    } finally {
      flushing.set(false);
      // A guid added after the poll loop but before the flag was cleared would otherwise wait for the next one.
      if (!buffered.isEmpty() && flushing.compareAndSet(false, true)) jdbc.execute(this::flush);
    }
  }
}
