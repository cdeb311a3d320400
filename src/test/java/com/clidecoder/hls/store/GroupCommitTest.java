package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent write transactions share one commit, and one caller's failure stays its own. */
class GroupCommitTest {
  @TempDir Path dir;
  private Database db;
  private final ExecutorService threads = Executors.newFixedThreadPool(8);

  @BeforeEach
  void open() {
    db = StoreFixture.open(dir);
    StoreFixture.execute(db, "CREATE TABLE t (v TEXT NOT NULL UNIQUE)");
  }

  @AfterEach
  void close() {
    threads.shutdownNow();
    db.close();
  }

  private CompletableFuture<Object> insert(String value, boolean failAfter, CountDownLatch hold) {
    return insert(value, failAfter, new CountDownLatch(1), hold);
  }

  /** {@code entered} counts down once the insert ran inside the transaction; {@code hold} then keeps it open. */
  private CompletableFuture<Object> insert(String value, boolean failAfter, CountDownLatch entered, CountDownLatch hold) {
    return CompletableFuture.supplyAsync(() -> db.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t (v) VALUES ('" + value + "')");
      }
      entered.countDown();
      if (hold != null) await(hold);
      if (failAfter) throw new IllegalStateException("unit " + value + " fails");
      return value;
    }), threads).handle((ok, err) -> err == null ? ok : err.getCause());
  }

  @Test
  void aFailingUnitIsRolledBackAloneWhileItsBatchCommits() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch hold = new CountDownLatch(1);
    CompletableFuture<Object> leader = insert("leader", false, entered, hold);
    // The leader is inside its transaction before anyone else calls: the next callers queue behind it
    // (after a fixed sleep, a slow start could let the duplicate "leader" below commit first).
    assertTrue(entered.await(10, TimeUnit.SECONDS), "the leader's insert ran");
    List<CompletableFuture<Object>> followers = new ArrayList<>();
    for (int i = 0; i < 6; i++) followers.add(insert("f" + i, i == 3, null));
    followers.add(insert("leader", false, null)); // a constraint violation in the same batch
    Thread.sleep(200); // time for the followers to queue into one batch (if some come later, the outcomes are the same)
    hold.countDown();

    assertEquals("leader", leader.get(10, TimeUnit.SECONDS));
    for (int i = 0; i < 6; i++) {
      Object r = followers.get(i).get(10, TimeUnit.SECONDS);
      if (i == 3) assertInstanceOf(IllegalStateException.class, r);
      else assertEquals("f" + i, r);
    }
    assertInstanceOf(StoreException.class, followers.get(6).get(10, TimeUnit.SECONDS));
    List<String> rows = db.read(c -> StoreFixture.lastColumn(c, "SELECT v FROM t ORDER BY v"));
    assertEquals(List.of("f0", "f1", "f2", "f4", "f5", "leader"), rows);
  }

  @Test
  void aLoneTransactionCommitsAtOnceAndReturnsItsResult() {
    assertEquals("x", db.transaction(c -> {
      try (Statement s = c.createStatement()) {
        s.executeUpdate("INSERT INTO t (v) VALUES ('x')");
      }
      return "x";
    }));
    assertNull(db.transaction(c -> null));
    assertTrue(db.read(c -> StoreFixture.queryLong(c, "SELECT count(*) FROM t")) == 1);
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
