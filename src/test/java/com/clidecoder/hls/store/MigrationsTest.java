package com.clidecoder.hls.store;

import static com.clidecoder.hls.store.StoreFixture.lastColumn;
import static com.clidecoder.hls.store.StoreFixture.queryLong;
import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static com.clidecoder.hls.testkit.TextAssertions.assertContainsAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.NewDelivery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {
  private static final String SEED = "db/001_seed_schema.sql";
  private static final String BROKEN = "migrations-test/002_broken.sql";
  private static final int LATEST = Migrations.available().size();

  @TempDir Path dir;

  @Test
  void freshFileGetsTheLatestVersionWithEveryTableAndIndex() throws Exception {
    Path nested = dir.resolve("not/yet/there");
    String setting = "hls.database.path = \"" + nested.resolve("webhooks.db") + "\"";
    Database.open(StoreFixture.config(dir, setting)).close();
    assertTrue(Files.isRegularFile(nested.resolve("webhooks.db")), "the folder and file are created");
    try (Connection c = StoreFixture.raw(nested.resolve("webhooks.db"))) {
      assertEquals(Migrations.available().size(), queryLong(c, "PRAGMA user_version"));
      assertTrue(Migrations.available().size() >= 2, "seed schema and pipeline");
      List<String> tables = lastColumn(c, "SELECT name FROM sqlite_master WHERE type = 'table'");
      assertContainsAll(tables, List.of("webhook_events", "claude_analyses", "daily_stats", "github_actions"));
      assertFalse(tables.contains("webhook_events_new"), "the rebuild's scratch table is gone");
      assertContainsAll(lastColumn(c, "SELECT name FROM sqlite_master WHERE type = 'index'"),
          List.of("idx_events_status_scheduled", "idx_events_created", "idx_events_waiting",
              "idx_events_processing", "idx_events_repository", "idx_analyses_event", "idx_actions_event"));
      assertContainsAll(lastColumn(c, "SELECT name FROM pragma_table_info('webhook_events')"),
          List.of("delivery_id", "event_type", "repository", "action", "payload_json", "signature", "status",
              "retry_count", "priority", "created_at", "scheduled_at", "started_at", "completed_at",
              "error_message", "lease_owner", "lease_expires_at"));
      assertContainsAll(lastColumn(c, "SELECT name FROM pragma_table_info('claude_analyses')"),
          List.of("claude_tokens_used", "claude_cost_usd", "input_tokens", "output_tokens", "provider"));
      assertContainsAll(lastColumn(c, "SELECT name FROM pragma_table_info('github_actions')"),
          List.of("event_id", "kind", "target", "request_json", "status", "dry_run", "reason", "github_id",
              "created_at", "updated_at"));
      try (Statement s = c.createStatement()) {
        s.executeUpdate(insertEvent(1, "d-1", "skipped"));
        SQLException bad = assertThrows(SQLException.class, () -> s.executeUpdate(insertEvent(2, "d-2", "lost")));
        assertContains(bad.getMessage(), "CHECK");
      }
    }
  }

  @Test
  void reopeningAMigratedFileChangesNothingAndKeepsItsRows() throws Exception {
    Instant now = Instant.parse("2025-01-02T03:04:05Z");
    try (Database db = StoreFixture.open(dir)) {
      new EventStore(db).insertBatch(List.of(delivery("d-1")), now);
    }
    List<String> schemaBefore;
    try (Connection c = StoreFixture.raw(dir.resolve("webhooks.db"))) {
      schemaBefore = lastColumn(c, "SELECT sql FROM sqlite_master ORDER BY name");
    }
    try (Database db = StoreFixture.open(dir)) {
      assertEquals(1, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events WHERE delivery_id = 'd-1'"));
    }
    try (Connection c = StoreFixture.raw(dir.resolve("webhooks.db"))) {
      assertEquals(schemaBefore, lastColumn(c, "SELECT sql FROM sqlite_master ORDER BY name"));
      assertEquals(LATEST, queryLong(c, "PRAGMA user_version"));
    }
  }

  @Test
  void aNewerSchemaVersionIsRefusedAndTheFileIsLeftAlone() throws Exception {
    Path file = dir.resolve("webhooks.db");
    try (Database db = StoreFixture.open(dir)) {
      new EventStore(db).insertBatch(List.of(delivery("d-1")), Instant.now());
    }
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate("PRAGMA user_version = " + (LATEST + 5));
    }
    byte[] before = Files.readAllBytes(file);

    StoreException refused = assertThrows(StoreException.class, () -> StoreFixture.open(dir));

    assertContains(refused.getMessage(), "schema version " + (LATEST + 5), "versions up to " + LATEST, file.toString());
    assertArrayEquals(before, Files.readAllBytes(file), "the file is byte for byte as it was");
  }

  @Test
  void aRefusedFileKeepsItsRollbackJournalToo() throws Exception {
    Path file = dir.resolve("webhooks.db");
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE from_the_future (x TEXT)");
      s.executeUpdate("PRAGMA user_version = " + (LATEST + 1));
    }
    byte[] before = Files.readAllBytes(file);

    assertThrows(StoreException.class, () -> StoreFixture.open(dir));

    assertArrayEquals(before, Files.readAllBytes(file), "not even switched to WAL");
    try (Connection c = StoreFixture.raw(file)) {
      assertEquals("delete", StoreFixture.queryString(c, "PRAGMA journal_mode"));
    }
  }

  @Test
  void aFailingMigrationLeavesAnExistingFileAsItWas() throws Exception {
    Path file = dir.resolve("webhooks.db");
    Migrations.migrate(file, Database.sqliteConfig(StoreFixture.config(dir)), List.of(SEED));
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate(insertEvent(1, "d-1", "pending"));
    }
    byte[] before = Files.readAllBytes(file);

    StoreException failed = assertThrows(StoreException.class,
        () -> Migrations.migrate(file, Database.sqliteConfig(StoreFixture.config(dir)), List.of(SEED, BROKEN)));

    assertContains(failed.getMessage(), "002_broken.sql", "no_such_column", "unchanged");
    assertArrayEquals(before, Files.readAllBytes(file), "the file is byte for byte as it was");
    try (Connection c = StoreFixture.raw(file)) {
      assertEquals(1, queryLong(c, "PRAGMA user_version"));
      assertEquals(0, queryLong(c, "SELECT COUNT(*) FROM sqlite_master WHERE name = 'half_done'"));
      assertEquals(1, queryLong(c, "SELECT COUNT(*) FROM webhook_events"));
    }
  }

  @Test
  void aFailingMigrationOnAFreshFileAppliesNoneOfThem() throws Exception {
    Path file = dir.resolve("webhooks.db");

    assertThrows(StoreException.class,
        () -> Migrations.migrate(file, Database.sqliteConfig(StoreFixture.config(dir)), List.of(SEED, BROKEN)));

    try (Connection c = StoreFixture.raw(file)) {
      assertEquals(0, queryLong(c, "PRAGMA user_version"));
      assertEquals(0, queryLong(c, "SELECT COUNT(*) FROM sqlite_master"), "the seed schema was rolled back too");
    }
  }

  @Test
  void pipelineMigrationKeepsEventsAnalysesAndTheIdSequenceOfASeedDatabase() throws Exception {
    Path file = dir.resolve("webhooks.db");
    Migrations.migrate(file, Database.sqliteConfig(StoreFixture.config(dir)), List.of(SEED));
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate(insertEvent(1, "d-1", "completed"));
      s.executeUpdate(insertEvent(2, "d-2", "pending"));
      s.executeUpdate(insertEvent(3, "d-3", "failed"));
      s.executeUpdate("INSERT INTO claude_analyses (event_id, analysis_type, response, claude_tokens_used,"
          + " claude_cost_usd, created_at) VALUES (1, 'triage', '{\"labels\":[\"bug\"]}', 1200, 0.02, 5)");
      // The newest row is gone; AUTOINCREMENT promises its id is never handed out again.
      s.executeUpdate("DELETE FROM webhook_events WHERE id = 3");
    }

    try (Database db = StoreFixture.open(dir)) {
      assertEquals(LATEST, StoreFixture.longValue(db, "PRAGMA user_version"));
      assertEquals(2, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events"));
      assertEquals("completed", StoreFixture.stringValue(db, "SELECT status FROM webhook_events WHERE id = 1"));
      assertEquals("payload of d-2", StoreFixture.stringValue(db, "SELECT payload_json FROM webhook_events WHERE id = 2"));
      assertEquals(1, StoreFixture.longValue(db, "SELECT COUNT(*) FROM claude_analyses WHERE event_id = 1"));
      assertEquals(1200, StoreFixture.longValue(db, "SELECT claude_tokens_used FROM claude_analyses"));
      assertEquals("anthropic", StoreFixture.stringValue(db, "SELECT provider FROM claude_analyses"));

      long next = new EventStore(db).insertBatch(List.of(delivery("d-4")), Instant.now()).get(0).id();
      assertEquals(4, next, "ids keep counting from the old table's sequence");
    }
  }

  /** The Python workers' file: the seed schema's tables, written without HLS, so user_version is 0. */
  private static void writeWorkersDatabase(Path file) throws Exception {
    String seed = new String(MigrationsTest.class.getClassLoader().getResourceAsStream(SEED).readAllBytes(),
        java.nio.charset.StandardCharsets.UTF_8);
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      for (String statement : Migrations.statements(seed)) s.executeUpdate(statement);
      s.executeUpdate("DROP INDEX idx_events_created"); // an older worker version may lack an index
      s.executeUpdate(insertEvent(1, "d-1", "completed"));
      s.executeUpdate(insertEvent(2, "d-2", "pending"));
      s.executeUpdate("INSERT INTO claude_analyses (event_id, analysis_type, response, claude_tokens_used,"
          + " claude_cost_usd, created_at) VALUES (1, 'triage', '{\"labels\":[\"bug\"]}', 900, 0.01, 5)");
      assertEquals(0, queryLong(c, "PRAGMA user_version"));
    }
  }

  @Test
  void theWorkersDatabaseAtVersionZeroIsAdoptedAndMigratedInPlace() throws Exception {
    Path file = dir.resolve("webhooks.db");
    writeWorkersDatabase(file);

    try (Database db = StoreFixture.open(dir)) {
      assertEquals(LATEST, StoreFixture.longValue(db, "PRAGMA user_version"));
      assertEquals(2, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events"));
      assertEquals("completed", StoreFixture.stringValue(db, "SELECT status FROM webhook_events WHERE id = 1"));
      assertEquals(900, StoreFixture.longValue(db, "SELECT claude_tokens_used FROM claude_analyses WHERE event_id = 1"));
      assertEquals(1, StoreFixture.longValue(db,
          "SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'idx_events_created'"));
      long next = new EventStore(db).insertBatch(List.of(delivery("d-3")), Instant.now()).get(0).id();
      assertEquals(3, next, "ids keep counting after the workers' rows");
    }
    try (Database db = StoreFixture.open(dir)) {
      assertEquals(3, StoreFixture.longValue(db, "SELECT COUNT(*) FROM webhook_events"), "a second start changes nothing");
    }
  }

  @Test
  void aVersionZeroFileWithOtherTablesIsRefusedNamingWhatIsMissingAndLeftAlone() throws Exception {
    Path file = dir.resolve("webhooks.db");
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate("CREATE TABLE webhook_events (id INTEGER PRIMARY KEY, body TEXT)");
      s.executeUpdate("INSERT INTO webhook_events (body) VALUES ('someone else''s data')");
    }
    byte[] before = Files.readAllBytes(file);

    StoreException refused = assertThrows(StoreException.class, () -> StoreFixture.open(dir));

    assertContains(refused.getMessage(), "user_version 0", "column webhook_events.delivery_id",
        "table claude_analyses", "unchanged", file.toString(), "nor the seed document's schema.sql",
        "unexpected column webhook_events.body");
    assertArrayEquals(before, Files.readAllBytes(file), "the file is byte for byte as it was");
  }

  @Test
  void statementsAreSplitAtLineEndSemicolonsAndCommentsDropped() {
    List<String> statements = Migrations.statements(
        "-- a comment; not a statement\nCREATE TABLE a (\n  x TEXT DEFAULT 'a;b'\n);\n\nINSERT INTO a VALUES ('y');\n");
    assertEquals(List.of("CREATE TABLE a (\n  x TEXT DEFAULT 'a;b'\n);", "INSERT INTO a VALUES ('y');"), statements);
    assertFalse(Migrations.available().isEmpty());
  }

  private static String insertEvent(long id, String deliveryId, String status) {
    return "INSERT INTO webhook_events (id, delivery_id, event_type, repository, action, payload_json, status,"
        + " created_at, scheduled_at) VALUES (" + id + ", '" + deliveryId + "', 'issues', 'o/r', 'opened',"
        + " 'payload of " + deliveryId + "', '" + status + "', " + id + ", " + id + ")";
  }

  static NewDelivery delivery(String id) {
    return new NewDelivery(id, "issues", "o/r", "opened", "{}", null, 0);
  }
}
