package com.clidecoder.hls.store;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * Group commit for every write transaction of the process. With {@code synchronous=FULL} each COMMIT
 * costs one fsync of the WAL (about 6 ms on the benchmark machine), and SQLite runs one writer at a
 * time, so transactions that wait for the lock anyway are folded into one: the first caller leads,
 * runs the work of everyone waiting, each in its own SAVEPOINT (one unit's failure rolls back only
 * that unit), commits once, then hands the lead to the next waiting caller. Every caller still blocks
 * until its own work is committed, or gets the failure: nothing is reported done before the COMMIT.
 * A lone caller runs at once, as before; the batching only happens under contention.
 */
final class GroupCommit {
  private static final int MAX_UNITS = 64;

  private static final class Unit<T> {
    final SqlFunction<T> work;
    T result;
    Exception failure;
    boolean done;
    boolean lead;

    Unit(SqlFunction<T> work) {
      this.work = work;
    }
  }

  private final DataSource pool;
  private final Object lock = new Object();
  private final ArrayDeque<Unit<?>> waiting = new ArrayDeque<>();
  private boolean leading;

  GroupCommit(DataSource pool) {
    this.pool = pool;
  }

  /** Runs {@code work} in a write transaction, possibly together with other callers' work. */
  <T> T run(SqlFunction<T> work) throws SQLException {
    Unit<T> unit = new Unit<>(work);
    synchronized (lock) {
      waiting.add(unit);
      if (!leading) {
        leading = true;
        unit.lead = true;
      }
      while (!unit.done && !unit.lead) {
        try {
          lock.wait();
        } catch (InterruptedException e) {
          // The unit may already be in a running batch: wait for its outcome rather than abandon it.
          Thread.currentThread().interrupt();
        }
      }
    }
    if (!unit.done) lead();
    if (unit.failure instanceof SQLException e) throw e;
    if (unit.failure instanceof RuntimeException e) throw e;
    return unit.result;
  }

  /** Commits one batch (this caller's unit first), completes it, and passes the lead on. */
  private void lead() {
    List<Unit<?>> batch = new ArrayList<>();
    synchronized (lock) {
      while (!waiting.isEmpty() && batch.size() < MAX_UNITS) batch.add(waiting.poll());
    }
    commit(batch);
    synchronized (lock) {
      for (Unit<?> u : batch) u.done = true;
      Unit<?> next = waiting.peek();
      if (next != null) next.lead = true;
      else leading = false;
      lock.notifyAll();
    }
  }

  private void commit(List<Unit<?>> batch) {
    try (Connection c = pool.getConnection()) {
      execute(c, "BEGIN IMMEDIATE");
      try {
        for (Unit<?> u : batch) runInSavepoint(c, u);
        execute(c, "COMMIT");
      } catch (SQLException | RuntimeException e) {
        rollbackQuietly(c, e);
        throw e;
      }
    } catch (SQLException | RuntimeException e) {
      // BEGIN, a savepoint or COMMIT failed: nothing of the batch is committed.
      for (Unit<?> u : batch) {
        u.result = null;
        if (u.failure == null) u.failure = e;
      }
    }
  }

  private static <T> void runInSavepoint(Connection c, Unit<T> u) throws SQLException {
    if (u.failure != null) return;
    execute(c, "SAVEPOINT unit");
    try {
      u.result = u.work.apply(c);
    } catch (SQLException | RuntimeException e) {
      u.failure = e;
      // ROLLBACK TO fails when SQLite already ended the transaction (disk full, I/O error): then the
      // whole batch fails through the caller above.
      execute(c, "ROLLBACK TO unit");
    }
    execute(c, "RELEASE unit");
  }

  static void execute(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static void rollbackQuietly(Connection c, Exception cause) {
    try {
      execute(c, "ROLLBACK");
    } catch (SQLException e) {
      // "no transaction is active": BEGIN or COMMIT already ended it; nothing to undo.
      if (e.getMessage() == null || !e.getMessage().contains("no transaction is active")) cause.addSuppressed(e);
    }
  }
}
