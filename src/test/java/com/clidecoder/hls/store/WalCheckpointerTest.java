package com.clidecoder.hls.store;

import static com.clidecoder.hls.store.StoreFixture.queryLong;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.store.WalCheckpointer.Outcome;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/** WAL checkpoints away from the committing connection, on real SQLite files. */
class WalCheckpointerTest {
  private static final String PAYLOAD = "{\"action\":\"opened\",\"body\":\"" + "x".repeat(20_000) + "\"}";

  @TempDir Path dir;
  private final List<HikariDataSource> pools = new ArrayList<>();

  /** A WAL file with auto-checkpoint off, so only the checkpointer copies anything. */
  private Connection walFile(String name) throws SQLException {
    Connection c = StoreFixture.raw(dir.resolve(name));
    GroupCommit.execute(c, "PRAGMA journal_mode = WAL");
    GroupCommit.execute(c, "PRAGMA synchronous = FULL");
    GroupCommit.execute(c, "PRAGMA wal_autocheckpoint = 0");
    GroupCommit.execute(c, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, p TEXT)");
    return c;
  }

  private static void write(Connection c, int rows) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO t (p) VALUES (?)")) {
      for (int i = 0; i < rows; i++) {
        s.setString(1, PAYLOAD);
        s.executeUpdate();
      }
    }
  }

  /** A data source over {@code file} that counts the connections it hands out and keeps the last one. */
  private static DataSource counting(Path file, AtomicInteger opened, AtomicReference<Connection> last) {
    SQLiteDataSource real = new SQLiteDataSource();
    real.setUrl("jdbc:sqlite:" + file);
    InvocationHandler handler = (proxy, method, args) -> {
      Object result = method.invoke(real, args);
      if (method.getName().equals("getConnection")) {
        opened.incrementAndGet();
        last.set((Connection) result);
      }
      return result;
    };
    return (DataSource) Proxy.newProxyInstance(DataSource.class.getClassLoader(), new Class<?>[] {DataSource.class}, handler);
  }

  private static DataSource source(Path file) {
    return counting(file, new AtomicInteger(), new AtomicReference<>());
  }

  /** A checkpointer on {@code file} whose RESTART queues with {@code writes}; the test runs its rounds. */
  private WalCheckpointer checkpointer(Path file, GroupCommit writes) throws SQLException {
    return WalCheckpointer.open(source(file), writes, () -> true, false);
  }

  /** Writers of {@code file} that go through one group commit on a pooled connection, as the service's do. */
  private GroupCommit writes(Path file) {
    SQLiteDataSource real = new SQLiteDataSource();
    real.setUrl("jdbc:sqlite:" + file);
    HikariConfig config = new HikariConfig();
    config.setDataSource(real);
    config.setMaximumPoolSize(1);
    HikariDataSource pool = new HikariDataSource(config);
    pools.add(pool);
    return new GroupCommit(pool, () -> {});
  }

  @AfterEach
  void closePools() {
    pools.forEach(HikariDataSource::close);
  }

  @Test
  void poolConnectionsLeaveCheckpointsToTheCheckpointerUpToTheBackstop() {
    try (Database db = StoreFixture.open(dir)) {
      assertEquals((long) WalCheckpointer.BACKSTOP_PAGES, (long) db.read(c -> queryLong(c, "PRAGMA wal_autocheckpoint")));
    }
  }

  @Test
  void underSteadyWritesRestartKeepsBeginningTheWalAgainSoItStaysBounded() throws Exception {
    Path file = dir.resolve("steady.db");
    GroupCommit group = writes(file);
    try (Connection setup = walFile("steady.db"); WalCheckpointer checkpointer = checkpointer(file, group)) {
      // 400 commits of 4 rows (~20 pages each, ~8,000 pages in all), back to back, while the test runs rounds.
      CompletableFuture<Void> writes = CompletableFuture.runAsync(() -> {
        try {
          for (int i = 0; i < 400; i++) {
            group.run(c -> {
              GroupCommit.execute(c, "PRAGMA wal_autocheckpoint = 0");
              write(c, 4);
              return null;
            });
          }
        } catch (SQLException e) {
          throw new IllegalStateException(e);
        }
      });
      // Rounds closer together than the service's 100 ms, so that on a fast disk, where the 400 commits
      // take well under a second, there are still enough of them and the WAL grows little between two.
      List<WalCheckpointer.Round> rounds = new ArrayList<>();
      while (!writes.isDone()) {
        rounds.add(checkpointer.runOnce());
        Thread.sleep(20);
      }
      writes.join();
      assertTrue(rounds.stream().allMatch(r -> r.outcome() == Outcome.DONE), rounds.toString());
      assertTrue(rounds.stream().anyMatch(WalCheckpointer.Round::restarted), rounds.toString());
      // PASSIVE alone never catches up with a writer that keeps appending: the WAL grows towards ~8,000 frames.
      List<WalCheckpointer.Round> lastHalf = rounds.subList(rounds.size() / 2, rounds.size());
      int most = lastHalf.stream().mapToInt(WalCheckpointer.Round::walFrames).max().orElseThrow();
      assertTrue(most < 3 * WalCheckpointer.RESTART_PAGES, "WAL frames in the second half of the rounds: " + lastHalf);
    }
  }

  @Test
  void aWalPastTheLimitIsCopiedAndRestartedSoTheNextWriteStartsItFromTheBeginning() throws Exception {
    Path file = dir.resolve("restart.db");
    try (Connection writer = walFile("restart.db"); WalCheckpointer checkpointer = checkpointer(file, writes(file))) {
      write(writer, 300); // ~1,500 pages of 4 KB
      WalCheckpointer.Round round = checkpointer.runOnce();
      assertTrue(round.walFrames() > WalCheckpointer.RESTART_PAGES, round.toString());
      assertEquals(round.walFrames(), round.copiedFrames(), "PASSIVE copied everything: " + round);
      assertTrue(round.restarted(), round.toString());
      write(writer, 1);
      assertTrue(checkpointer.runOnce().walFrames() < 20, "the WAL began again");
    }
  }

  @Test
  void roundsFollowCommitsAndStopWhenTheWalIsCopiedSoAnIdleDatabaseHasNone() throws Exception {
    Path file = dir.resolve("idle.db");
    GroupCommit group = writes(file);
    try (Connection setup = walFile("idle.db");
        WalCheckpointer checkpointer = WalCheckpointer.open(source(file), group, () -> true, true)) {
      Thread.sleep(5 * WalCheckpointer.INTERVAL_MILLIS);
      long atStart = checkpointer.rounds(); // one round at start, for what an earlier process left
      assertTrue(atStart <= 1, "rounds with no writes: " + atStart);
      group.run(c -> {
        write(c, 20);
        return null;
      });
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (checkpointer.rounds() == atStart && System.nanoTime() < deadline) Thread.sleep(10);
      assertTrue(checkpointer.rounds() > atStart, "a commit brings a round");
      // The round copied the whole WAL; with no more commits no further round comes. (Waited for, not
      // slept: on a loaded machine a round can run well after its 100 ms.)
      long afterWrite = settledRounds(checkpointer);
      group.run(c -> queryLong(c, "SELECT count(*) FROM t")); // a transaction that changes nothing
      Thread.sleep(10 * WalCheckpointer.INTERVAL_MILLIS); // a round a commit brought would be due after one
      assertEquals(afterWrite, checkpointer.rounds(), "a commit without changes brings no round");
      WalCheckpointer.Round last = checkpointer.runOnce();
      assertEquals(last.walFrames(), last.copiedFrames(), "nothing was left to copy: " + last);
    }
  }

  /**
   * The number of rounds once they have stopped: unchanged for five intervals (a round that asks for
   * another schedules it one interval later). Fails if they go on for 10 s: an idle database gets none.
   */
  private static long settledRounds(WalCheckpointer checkpointer) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    long seen = checkpointer.rounds();
    while (System.nanoTime() < deadline) {
      Thread.sleep(5 * WalCheckpointer.INTERVAL_MILLIS);
      long now = checkpointer.rounds();
      if (now == seen) return now;
      seen = now;
    }
    throw new AssertionError("an idle database gets no rounds, yet they went on for 10 s: " + seen);
  }

  @Test
  void aSmallWalIsOnlyCopied() throws Exception {
    Path file = dir.resolve("small.db");
    try (Connection writer = walFile("small.db"); WalCheckpointer checkpointer = checkpointer(file, writes(file))) {
      write(writer, 20);
      WalCheckpointer.Round round = checkpointer.runOnce();
      assertTrue(round.walFrames() > 0 && round.walFrames() <= WalCheckpointer.RESTART_PAGES, round.toString());
      assertFalse(round.restarted());
    }
  }

  @Test
  void aReaderOfTheOldWalMakesRestartGiveUpWithinItsBusyTimeoutAndTheWriterGoesOn() throws Exception {
    Path file = dir.resolve("reader.db");
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    try (Connection writer = walFile("reader.db");
        Connection reader = StoreFixture.raw(file);
        WalCheckpointer checkpointer = checkpointer(file, writes(file))) {
      write(writer, 300);
      reader.setAutoCommit(false);
      queryLong(reader, "SELECT COUNT(*) FROM t"); // holds a snapshot that reads from the WAL
      // The reader leaves 3 s from now: a RESTART that waited for it (a busy timeout of seconds, as the
      // pool's 5 s) would then succeed. With 50 ms it gives up long before, and holds the writers no longer.
      // (3 s, not less: the whole round, PASSIVE copy of ~1,500 pages included, fits in it on a loaded machine.)
      AtomicBoolean left = new AtomicBoolean();
      later.schedule(() -> endRead(reader, left), 3, TimeUnit.SECONDS);
      WalCheckpointer.Round round = checkpointer.runOnce();
      assertFalse(left.get(), "the round ended before the reader left");
      assertTrue(round.walFrames() > WalCheckpointer.RESTART_PAGES, round.toString());
      assertFalse(round.restarted(), "RESTART gave up while the reader was there: " + round);
      later.shutdownNow();
      endRead(reader, left);
      write(writer, 1); // the writer was not kept out
      // Everything was copied before RESTART gave up, so with the reader gone the write itself began the
      // WAL again; had it not, the next round restarts it.
      WalCheckpointer.Round next = checkpointer.runOnce();
      assertTrue(next.restarted() || next.walFrames() < 20, "the WAL began again once the reader left: " + next);
    } finally {
      later.shutdownNow();
    }
  }

  private static synchronized void endRead(Connection reader, AtomicBoolean left) {
    if (left.getAndSet(true)) return;
    try {
      reader.commit();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFailedRoundKeepsItsConnectionAndTheNextRoundUsesItAgain() throws Exception {
    Path file = dir.resolve("failing.db");
    AtomicInteger opened = new AtomicInteger();
    AtomicReference<Connection> handedOut = new AtomicReference<>();
    try (Connection writer = walFile("failing.db");
        WalCheckpointer checkpointer = WalCheckpointer.open(counting(file, opened, handedOut), writes(file), () -> true, false)) {
      write(writer, 20);
      // A statement left open on the checkpointer's connection keeps a read transaction there, and SQLite
      // refuses to checkpoint on a connection inside a transaction (SQLITE_LOCKED): a real failed round.
      try (Statement s = handedOut.get().createStatement(); ResultSet rs = s.executeQuery("SELECT id FROM t")) {
        assertTrue(rs.next());
        assertEquals(Outcome.FAILED, checkpointer.runOnce().outcome());
        assertEquals(Outcome.FAILED, checkpointer.runOnce().outcome());
      }
      assertEquals(Outcome.DONE, checkpointer.runOnce().outcome());
      assertEquals(1, opened.get(), "one connection in all, opened before the first round");
      assertFalse(handedOut.get().isClosed());
    }
    assertTrue(handedOut.get().isClosed(), "closed with the checkpointer");
  }

  @Test
  void roundsAreSkippedWhileTheDatabaseReportsWriteTroubleAndResumeAfterAGoodWrite() throws Exception {
    try (Database db = Database.open(StoreFixture.config(dir, "hls.database.busy-timeout = 100ms"))) {
      StoreFixture.execute(db, "DELETE FROM daily_stats");
      assertEquals(Outcome.DONE, db.checkpointer().runOnce().outcome());
      try (Connection other = StoreFixture.raw(db.path()); Statement s = other.createStatement()) {
        s.execute("BEGIN IMMEDIATE"); // another writer holds the lock: our writes fail
        assertTrue(assertFails(() -> StoreFixture.execute(db, "DELETE FROM daily_stats")));
        assertTrue(db.writeTrouble().isPresent());
        assertEquals(Outcome.SKIPPED, db.checkpointer().runOnce().outcome());
        s.execute("ROLLBACK");
      }
      assertEquals(Outcome.SKIPPED, db.checkpointer().runOnce().outcome(), "still skipped until a write succeeds");
      StoreFixture.execute(db, "DELETE FROM daily_stats");
      assertEquals(Outcome.DONE, db.checkpointer().runOnce().outcome());
    }
  }

  private static boolean assertFails(Runnable r) {
    try {
      r.run();
      return false;
    } catch (StoreException e) {
      return true;
    }
  }
}
