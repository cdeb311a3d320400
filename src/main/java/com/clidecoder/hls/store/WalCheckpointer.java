package com.clidecoder.hls.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps WAL checkpoints off the commit path. By default SQLite checkpoints on the connection whose
 * COMMIT takes the WAL past 1,000 pages: that commit, and every delivery waiting for it, then waits
 * while the WAL is copied into the database file and the file is synced. With 20 KB deliveries at
 * 1,000/s that is five times a second, and those commits took 50-500 ms instead of 3-10 ms.
 *
 * <p>Here one thread of its own checkpoints {@link #INTERVAL_MILLIS} after a commit, and again every
 * {@link #INTERVAL_MILLIS} while the WAL has frames left to copy or a round could not run; an idle
 * database has no rounds at all (a round every 100 ms whatever happened cost an idle service 2% of a
 * core). A round runs PASSIVE, which copies
 * without blocking anyone; then, once the WAL holds more than {@link #RESTART_PAGES}, RESTART, so the
 * next writer starts the WAL from its beginning. Under steady writes a PASSIVE checkpoint never
 * catches up with the frames appended while it runs, so without RESTART the WAL would only grow.
 * RESTART needs the write lock; SQLite's busy handler polls for it, and writers that commit back to back
 * win every time, so it queues in {@link GroupCommit#runAlone} like a transaction instead. It then
 * blocks writers while it copies what the PASSIVE one left (a few frames) and while it waits for
 * readers of the old WAL, which it does for at most {@link #RESTART_BUSY_MILLIS} before trying again
 * next time. The pool's own auto-checkpoint stays as a backstop at {@link #BACKSTOP_PAGES}.
 *
 * <p>Two rules keep it from killing the process when the file is in trouble. A checkpoint writes into
 * the -shm file through SQLite's shared mapping before it copies anything; once that file has turned
 * read-only (immutable, a read-only filesystem) such a write faults and the JVM dies of SIGBUS, where a
 * commit fails cleanly because it writes the WAL with write(2) first. So a round runs only while
 * {@code mayWrite} says the files take writes (the database reports no write trouble and the files pass
 * {@code access(W_OK)}). And the connection is opened once, before the first round, and never again: a
 * failure belongs to one statement, the connection stays usable, and a connection opened during the
 * trouble would start out in whatever state the trouble left.
 */
final class WalCheckpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WalCheckpointer.class);
  static final long INTERVAL_MILLIS = 100;
  /** SQLite's default auto-checkpoint size (4 MB of 4 KB pages). */
  static final int RESTART_PAGES = 1_000;
  /** The pool's wal_autocheckpoint: only reached when this thread falls behind, fails or is skipping. */
  static final int BACKSTOP_PAGES = 10_000;
  static final int RESTART_BUSY_MILLIS = 50;

  /** What a round did. */
  enum Outcome { SKIPPED, FAILED, DONE }

  /** One round: when DONE, the WAL's frames and those copied after PASSIVE, and whether RESTART reset the WAL. */
  record Round(Outcome outcome, int walFrames, int copiedFrames, boolean restarted) {
    static final Round SKIPPED = new Round(Outcome.SKIPPED, 0, 0, false);
    static final Round FAILED = new Round(Outcome.FAILED, 0, 0, false);
  }

  private final Connection connection;
  private final GroupCommit writes;
  private final BooleanSupplier mayWrite;
  private final ScheduledExecutorService thread;
  /** A round is scheduled and has not started: commits meanwhile need no other. */
  private final AtomicBoolean roundDue = new AtomicBoolean();
  private final AtomicLong rounds = new AtomicLong();
  private boolean failing;

  private WalCheckpointer(Connection connection, GroupCommit writes, BooleanSupplier mayWrite) {
    this.connection = connection;
    this.writes = writes;
    this.mayWrite = mayWrite;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "hls-wal-checkpoint");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Opens the one connection this checkpointer will ever use (outside the pool) and, when
   * {@code schedule} is true, starts the rounds. Tests pass false and call {@link #runOnce} themselves.
   */
  static WalCheckpointer open(DataSource source, GroupCommit writes, BooleanSupplier mayWrite, boolean schedule)
      throws SQLException {
    Connection connection = source.getConnection();
    try {
      GroupCommit.execute(connection, "PRAGMA busy_timeout = " + RESTART_BUSY_MILLIS);
    } catch (SQLException e) {
      connection.close();
      throw e;
    }
    WalCheckpointer c = new WalCheckpointer(connection, writes, mayWrite);
    if (schedule) {
      writes.onCommit(c::scheduleRound);
      c.scheduleRound(); // whatever an earlier process left in the WAL
    }
    return c;
  }

  /** A round {@link #INTERVAL_MILLIS} from now, unless one is already due (called by every commit). */
  private void scheduleRound() {
    if (!roundDue.compareAndSet(false, true)) return;
    try {
      thread.schedule(this::scheduledRound, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException closing) {
      // Closed: the pool's last connection makes the final checkpoint.
    }
  }

  private void scheduledRound() {
    roundDue.set(false); // commits from here on ask for the next round
    rounds.incrementAndGet();
    Round r = runOnce();
    // Frames left behind (PASSIVE overtaken by writers, RESTART busy), a skipped or a failed round: again.
    if (r.outcome() != Outcome.DONE || (!r.restarted() && r.copiedFrames() < r.walFrames())) scheduleRound();
  }

  /** Scheduled rounds run so far (tests). */
  long rounds() {
    return rounds.get();
  }

  /** One round: skipped while the files cannot take writes; a failure is logged once and tried again next round. */
  Round runOnce() {
    if (!mayWrite.getAsBoolean()) return Round.SKIPPED;
    try {
      Round round = checkpoint();
      if (failing) log.info("event=wal_checkpoint_recovered");
      failing = false;
      return round;
    } catch (SQLException | RuntimeException e) {
      // The same connection is used next time (see the class comment): only the statement failed.
      if (!failing) log.warn("event=wal_checkpoint_failed error={}", e.getMessage());
      failing = true;
      return Round.FAILED;
    }
  }

  /** PASSIVE, then RESTART when the WAL is past {@link #RESTART_PAGES}; a busy RESTART is left for next time. */
  private Round checkpoint() throws SQLException {
    int[] passive = run(connection, "PRAGMA wal_checkpoint(PASSIVE)");
    if (passive[1] <= RESTART_PAGES) return new Round(Outcome.DONE, passive[1], passive[2], false);
    int[] restart = writes.runAlone(connection, c -> run(c, "PRAGMA wal_checkpoint(RESTART)"));
    return new Round(Outcome.DONE, passive[1], passive[2], restart[0] == 0);
  }

  /** The pragma's row: busy (0 or 1), frames in the WAL, frames copied into the database. */
  private static int[] run(Connection c, String pragma) throws SQLException {
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(pragma)) {
      rs.next();
      return new int[] {rs.getInt(1), rs.getInt(2), rs.getInt(3)};
    }
  }

  /** Stops the rounds (a running one finishes: RESTART waits at most its busy timeout), then closes the connection. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(5, TimeUnit.SECONDS)) log.warn("event=wal_checkpoint_close_timeout");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      connection.close();
    } catch (SQLException e) {
      log.warn("event=wal_checkpoint_close_failed error={}", e.getMessage());
    }
  }
}
