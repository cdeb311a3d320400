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
 *
 * <p>{@link #runAlone} queues like a transaction but runs by itself, outside any transaction, on a
 * connection of the caller's: the WAL checkpointer's RESTART, which needs SQLite's write lock and would
 * never win it by polling against writers that take it back to back, while here it waits its turn.
 */
final class GroupCommit {
  private static final int MAX_UNITS = 64;

  private static final class Unit<T> {
    final SqlFunction<T> work;
    /** The caller's own connection for a unit that runs alone, outside a transaction; null for a transaction. */
    final Connection own;
    T result;
    Exception failure;
    boolean done;
    boolean lead;

    Unit(SqlFunction<T> work, Connection own) {
      this.work = work;
      this.own = own;
    }
  }

  private final DataSource pool;
  /** Runs before each batch and each lone unit, and throws to refuse it (see Database#refuseWhileReadOnly). */
  private final Runnable beforeBegin;
  private final Object lock = new Object();
  private final ArrayDeque<Unit<?>> waiting = new ArrayDeque<>();
  private boolean leading;
  /** Told after each COMMIT that changed rows (on the committing thread: must not block). */
  private volatile Runnable afterCommit = () -> {};

  GroupCommit(DataSource pool, Runnable beforeBegin) {
    this.pool = pool;
    this.beforeBegin = beforeBegin;
  }

  /** Sets what is told after each COMMIT that changed rows: the WAL checkpointer, which works only after writes. */
  void onCommit(Runnable listener) {
    afterCommit = listener;
  }

  /** Runs {@code work} in a write transaction, possibly together with other callers' work. */
  <T> T run(SqlFunction<T> work) throws SQLException {
    return queue(new Unit<>(work, null));
  }

  /**
   * Runs {@code work} on {@code own} (autocommit, no transaction of ours) when its turn comes, while no
   * other write of this process runs; writers that arrive meanwhile wait behind it.
   */
  <T> T runAlone(Connection own, SqlFunction<T> work) throws SQLException {
    return queue(new Unit<>(work, own));
  }

  private <T> T queue(Unit<T> unit) throws SQLException {
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
      batch.add(waiting.poll()); // the leader's own unit
      if (batch.get(0).own == null) {
        while (!waiting.isEmpty() && batch.size() < MAX_UNITS && waiting.peek().own == null) batch.add(waiting.poll());
      }
    }
    if (batch.get(0).own == null) commit(batch);
    else runOwn(batch.get(0));
    synchronized (lock) {
      for (Unit<?> u : batch) u.done = true;
      Unit<?> next = waiting.peek();
      if (next != null) next.lead = true;
      else leading = false;
      lock.notifyAll();
    }
  }

  private void commit(List<Unit<?>> batch) {
    try (Connection c = connection()) {
      long changesBefore = totalChanges(c);
      execute(c, "BEGIN IMMEDIATE");
      try {
        for (Unit<?> u : batch) runInSavepoint(c, u);
        execute(c, "COMMIT");
        // A transaction that changed nothing (the idle poll's empty claim) wrote nothing to the WAL.
        if (totalChanges(c) != changesBefore) afterCommit.run();
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

  /**
   * A pooled connection, if {@link #beforeBegin} lets the batch go ahead; asked after the pool answered,
   * which can take a while, so that nothing but the BEGIN comes between the check and SQLite.
   */
  private Connection connection() throws SQLException {
    Connection c = pool.getConnection();
    try {
      beforeBegin.run();
      return c;
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  private <T> void runOwn(Unit<T> u) {
    try {
      beforeBegin.run();
      u.result = u.work.apply(u.own);
    } catch (SQLException | RuntimeException e) {
      u.failure = e;
    }
  }

  /** Rows inserted, updated or deleted on this connection since it opened (SQLite's total_changes()). */
  private static long totalChanges(Connection c) throws SQLException {
    try (java.sql.Statement s = c.createStatement(); java.sql.ResultSet rs = s.executeQuery("SELECT total_changes()")) {
      rs.next();
      return rs.getLong(1);
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
