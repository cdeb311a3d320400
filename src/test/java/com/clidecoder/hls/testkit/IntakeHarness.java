package com.clidecoder.hls.testkit;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.QueuedEvent;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.IntakeWriter;
import com.clidecoder.hls.store.StatsStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ClassicActorSystemProvider;

/**
 * A real store behind a running {@link IntakeWriter}: a SQLite file in a temp folder, migrations, the
 * JDBC dispatcher of the given actor system. Rows are counted and read back through the stores.
 */
// "try": close() waits for the writer to drain, so it may be interrupted.
@SuppressWarnings("try")
public final class IntakeHarness implements AutoCloseable {
  public final HlsConfig config;
  public final Database db;
  public final EventStore events;
  public final StatsStore stats;
  public final IntakeWriter writer;
  public final Executor jdbc;

  public IntakeHarness(Path dir, String hocon, ClassicActorSystemProvider system) {
    try {
      java.nio.file.Files.createDirectories(dir);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    this.config = TestConfigs.load(dir, hocon).hls();
    this.db = Database.open(config.database());
    this.events = new EventStore(db);
    this.stats = new StatsStore(db);
    this.jdbc = system.classicSystem().dispatchers().lookup("hls-jdbc-dispatcher");
    this.writer = IntakeWriter.start(events, jdbc, config.database().maxBatch(), config.database().intakeBuffer(),
        Clock.systemUTC(), system);
  }

  /** Rows in webhook_events, whatever their status. */
  public long rows() {
    return stats.queueStats(Instant.now()).byStatus().values().stream().mapToLong(Long::longValue).sum();
  }

  public Optional<QueuedEvent> event(long id) {
    return events.find(id);
  }

  @Override
  public void close() throws Exception {
    writer.drain().toCompletableFuture().get(30, TimeUnit.SECONDS);
    db.close();
  }
}
