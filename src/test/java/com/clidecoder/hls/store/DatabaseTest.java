package com.clidecoder.hls.store;

import static com.clidecoder.hls.store.StoreFixture.queryLong;
import static com.clidecoder.hls.store.StoreFixture.queryString;
import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {
  @TempDir Path dir;

  @Test
  void everyPooledConnectionHasWalFullSyncForeignKeysAndTheConfiguredBusyTimeout() {
    try (Database db = Database.open(StoreFixture.config(dir, "hls.database { busy-timeout = 1234ms, pool-size = 3 }"))) {
      // Nested reads hold three pooled connections at once, so each is a different one.
      List<Connection> seen = new ArrayList<>();
      db.read(c1 -> db.read(c2 -> db.read(c3 -> {
        for (Connection c : List.of(c1, c2, c3)) {
          assertEquals("wal", queryString(c, "PRAGMA journal_mode"));
          assertEquals(2, queryLong(c, "PRAGMA synchronous"), "synchronous=FULL");
          assertEquals(1, queryLong(c, "PRAGMA foreign_keys"));
          assertEquals(1234, queryLong(c, "PRAGMA busy_timeout"));
          seen.add(c);
        }
        return null;
      })));
      assertNotSame(seen.get(0), seen.get(1));
      assertNotSame(seen.get(1), seen.get(2));
    }
  }

  @Test
  void foreignKeysAreEnforcedOnWrites() {
    try (Database db = StoreFixture.open(dir)) {
      StoreException e = assertThrows(StoreException.class, () -> StoreFixture.execute(db,
          "INSERT INTO claude_analyses (event_id, analysis_type, created_at) VALUES (999, 'triage', 1)"));
      assertContains(e.getMessage(), "FOREIGN KEY");
    }
  }

  @Test
  void aTransactionThatThrowsLeavesNothingBehind() {
    try (Database db = StoreFixture.open(dir)) {
      assertThrows(IllegalStateException.class, () -> db.transaction(c -> {
        EventStore.executeUpdate(c, "INSERT INTO daily_stats (date, webhooks_received) VALUES ('2025-01-01', 5)");
        throw new IllegalStateException("boom");
      }));
      assertEquals(0, StoreFixture.longValue(db, "SELECT COUNT(*) FROM daily_stats"));
    }
  }

  @Test
  void aTransactionTakesTheWriteLockAtItsStart() {
    try (Database db = StoreFixture.open(dir)) {
      db.transaction(c -> {
        // BEGIN IMMEDIATE: even before this transaction writes, a second writer is turned away at once.
        try (Connection other = StoreFixture.raw(db.path()); Statement s = other.createStatement()) {
          s.execute("PRAGMA busy_timeout = 0");
          SQLException busy = assertThrows(SQLException.class, () -> s.execute("BEGIN IMMEDIATE"));
          assertContains(busy.getMessage(), "SQLITE_BUSY");
        }
        return null;
      });
    }
  }

  @Test
  void pingAnswersWhileOpenAndNotAfterClose() {
    Database db = StoreFixture.open(dir);
    assertTrue(db.ping());
    db.close();
    assertFalse(db.ping());
  }

  @Test
  void workOnFilesTurnedImmutableIsRefusedBeforeSqliteTouchesThemAndNoCheckpointRuns() throws Exception {
    try (Database db = StoreFixture.open(dir)) {
      StoreFixture.execute(db, "DELETE FROM daily_stats");
      // The WAL fully checkpointed: SQLite's next write would restart it, writing the shm first.
      assertEquals(WalCheckpointer.Outcome.DONE, db.checkpointer().runOnce().outcome());
      List<String> files = List.of(db.path().toString(), db.path() + "-wal", db.path() + "-shm");
      boolean immutable = chattr("+i", files);
      if (!immutable) chattr("-i", files);
      Assumptions.assumeTrue(immutable, "chattr +i needs root and a filesystem that has it: skipping");
      try {
        StoreException refused = assertThrows(StoreException.class, () -> StoreFixture.execute(db, "DELETE FROM daily_stats"));
        assertContains(refused.getMessage(), "read-only or immutable");
        assertContains(db.writeTrouble().orElseThrow(), "read-only or immutable");
        assertEquals(WalCheckpointer.Outcome.SKIPPED, db.checkpointer().runOnce().outcome());
        // A read could store a read mark in the shm: refused too. SELECT 1 reads no table and answers.
        assertThrows(StoreException.class, () -> StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events"));
        assertTrue(db.ping(), "the file still answers");
      } finally {
        chattr("-i", files);
      }
      StoreFixture.execute(db, "DELETE FROM daily_stats");
      assertTrue(db.writeTrouble().isEmpty(), "recovered with the first good write");
    }
  }

  private static boolean chattr(String flag, List<String> files) throws Exception {
    for (String f : files) {
      Process p = new ProcessBuilder("chattr", flag, f).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      if (p.waitFor() != 0) return false;
    }
    return true;
  }
}
