package com.clidecoder.hls.app;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.store.Retention;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.dispatch.ExecutionContexts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@code hls.database.retention} on a fixed delay (daily in the service), on the JDBC executor: the
 * deletes block, and go in small transactions so the intake's writer waits at most one batch. The
 * retention in force is read at each run, so a reload changes the next one.
 */
final class DailyRetention {
  private static final Logger log = LoggerFactory.getLogger(DailyRetention.class);

  private DailyRetention() {}

  static Cancellable start(ActorSystem<?> system, Retention retention, Supplier<HlsConfig> config, Executor jdbc,
      Clock clock, Duration firstRunAfter, Duration interval) {
    return system.scheduler().scheduleWithFixedDelay(firstRunAfter, interval,
        () -> runOnce(retention, config.get().database(), clock.instant()),
        ExecutionContexts.fromExecutor(jdbc));
  }

  /**
   * One run: trims the payloads of completed and skipped events older than the payload retention, then
   * deletes final events older than the retention (a zero retention skips its stage), and records both.
   */
  static void runOnce(Retention retention, HlsConfig.Database keep, Instant now) {
    try {
      if (!keep.payloadRetention().isZero()) {
        long trimmed = retention.trimPayloads(now.minus(keep.payloadRetention()), now);
        log.info("event=payload_retention trimmed={} older_than_days={}", trimmed, keep.payloadRetention().toDays());
      }
      if (!keep.retention().isZero()) {
        long deleted = retention.run(now.minus(keep.retention()), now);
        log.info("event=retention deleted={} older_than_days={}", deleted, keep.retention().toDays());
      }
    } catch (RuntimeException e) {
      // Not rethrown: the scheduler would not run a failed task again. The next run retries; the
      // service keeps working meanwhile, and /metrics shows the last successful run's time.
      log.warn("event=retention_failed error={}", e.toString());
    }
  }
}
