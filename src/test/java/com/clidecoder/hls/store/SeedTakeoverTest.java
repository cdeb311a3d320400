package com.clidecoder.hls.store;

import static com.clidecoder.hls.store.StoreFixture.lastColumn;
import static com.clidecoder.hls.store.StoreFixture.queryLong;
import static com.clidecoder.hls.store.StoreFixture.queryString;
import static com.clidecoder.hls.testkit.SeedDatabases.COMPLETED;
import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.SeedDatabases;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The seed document's database taken over in place: backup, every value, refusals, and a kill -9 mid-way. */
class SeedTakeoverTest {
  private static final Set<String> TIMES = Set.of("created_at", "scheduled_at", "started_at", "completed_at");
  private static final int LATEST = Migrations.available().size();

  @TempDir Path dir;

  @Test
  void theSeedsOwnSchemaFileIsTakenOverWithEveryValue() throws Exception {
    takenOverWithEveryValue(SeedDatabases.sharedSchema());
  }

  @Test
  void theSchemaWrittenHereIsTakenOverWithEveryValue() throws Exception {
    takenOverWithEveryValue(SeedDatabases.SCHEMA);
  }

  private void takenOverWithEveryValue(String schema) throws Exception {
    Path file = dir.resolve("webhooks.db");
    SeedDatabases.write(file, schema);
    Map<String, List<Map<String, Object>>> original = tables(file);
    Path killedWhileCopying = dir.resolve("webhooks.db.before-hls-20250101T000000Z.partial");
    Files.writeString(killedWhileCopying, "half a copy");

    StoreFixture.open(dir).close();

    assertFalse(Files.exists(killedWhileCopying), "an earlier takeover's unfinished copy is removed");

    Path backup = onlyBackup();
    try (Connection c = StoreFixture.raw(backup)) {
      assertEquals(0, queryLong(c, "PRAGMA user_version"));
      assertEquals("ok", queryString(c, "PRAGMA integrity_check"));
    }
    assertEquals(original, tables(backup), "the backup holds the original rows, value for value");

    try (Connection c = StoreFixture.raw(file)) {
      assertEquals(LATEST, queryLong(c, "PRAGMA user_version"));
      List<Map<String, Object>> events = rows(c, "SELECT * FROM webhook_events ORDER BY id");
      assertEquals(original.get("webhook_events").size(), events.size(), "every event kept");
      for (int i = 0; i < events.size(); i++) {
        Map<String, Object> before = original.get("webhook_events").get(i);
        Map<String, Object> after = events.get(i);
        for (String column : SeedSchema.TABLES.get("webhook_events")) {
          Object expected = TIMES.contains(column) && before.get(column) != null
              ? SeedSchema.millis((String) before.get(column)) : before.get(column);
          assertEquals(String.valueOf(expected), String.valueOf(after.get(column)), "event " + after.get("id") + " " + column);
        }
        assertNull(after.get("lease_owner"));
      }
      assertEquals(Instant.parse("2025-03-01T10:05:00.250Z").toEpochMilli(),
          queryLong(c, "SELECT scheduled_at FROM webhook_events WHERE id = 2"), "the text time, exactly");
      assertEquals("integer", queryString(c, "SELECT DISTINCT typeof(created_at) FROM webhook_events"));

      assertEquals(List.of("1", "3"), lastColumn(c, "SELECT id FROM claude_analyses ORDER BY id"),
          "the orphan (2) stays in the copy only");
      Map<String, Object> analysis = rows(c, "SELECT * FROM claude_analyses WHERE id = 1").get(0);
      assertEquals(COMPLETED, ((Number) analysis.get("event_id")).longValue());
      assertEquals("seed", analysis.get("analysis_type"));
      assertEquals("Triage this issue", analysis.get("prompt"));
      assertEquals(SeedDatabases.OLD_RESPONSE, analysis.get("response"));
      assertEquals(SeedDatabases.OLD_RESPONSE, analysis.get("summary"), "shown where operators look");
      assertEquals(1234, ((Number) analysis.get("claude_tokens_used")).longValue());
      assertEquals(0.0125, ((Number) analysis.get("claude_cost_usd")).doubleValue());
      assertEquals(2100, ((Number) analysis.get("processing_time_ms")).longValue());
      assertEquals(Instant.parse("2025-03-01T00:00:02Z").toEpochMilli(), ((Number) analysis.get("created_at")).longValue());
      assertEquals(original.get("claude_analyses"), rows(c, "SELECT * FROM seed_claude_analyses ORDER BY id"),
          "the seed's analyses under their own names, verbatim");

      assertEquals("2025-03-01|5|1|2|0.0125", queryString(c, "SELECT date || '|' || webhooks_received || '|'"
          + " || claude_analyses || '|' || github_actions || '|' || total_cost_usd FROM daily_stats"));
      assertEquals(original.get("daily_stats"), rows(c, "SELECT * FROM seed_daily_stats"));
      assertEquals("ok", queryString(c, "PRAGMA integrity_check"));
      assertEquals(List.of(), lastColumn(c, "PRAGMA foreign_key_check"), "no dangling analysis");
    }

    List<String> schemaBefore;
    try (Connection c = StoreFixture.raw(file)) {
      schemaBefore = lastColumn(c, "SELECT sql FROM sqlite_master ORDER BY name");
    }
    try (Database db = StoreFixture.open(dir)) {
      long next = new EventStore(db).insertBatch(List.of(MigrationsTest.delivery("d-new")), Instant.now()).get(0).id();
      assertEquals(6, next, "ids keep counting after the seed's rows");
    }
    try (Connection c = StoreFixture.raw(file)) {
      assertEquals(schemaBefore, lastColumn(c, "SELECT sql FROM sqlite_master ORDER BY name"), "a second start changes nothing");
    }
    assertEquals(backup, onlyBackup(), "and takes no second backup");
  }

  @Test
  void aSeedFileWithNoRowsYetIsTakenOverToo() throws Exception {
    Path file = dir.resolve("webhooks.db");
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      for (String statement : SeedDatabases.SCHEMA.split(";")) {
        if (!statement.isBlank()) s.executeUpdate(statement);
      }
    }
    try (Database db = StoreFixture.open(dir)) {
      assertEquals(LATEST, StoreFixture.longValue(db, "PRAGMA user_version"));
      assertEquals(1, new EventStore(db).insertBatch(List.of(MigrationsTest.delivery("d-1")), Instant.now()).get(0).id());
    }
    onlyBackup();
  }

  @Test
  void aTimeThatDoesNotParseIsNamedAndTheFileIsLeftAsItWas() throws Exception {
    Path file = dir.resolve("webhooks.db");
    SeedDatabases.write(file, SeedDatabases.SCHEMA);
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE webhook_events SET completed_at = '2025-02-30 10:00:00' WHERE id = " + COMPLETED);
      s.executeUpdate("UPDATE claude_analyses SET created_at = 1740787202 WHERE id = 1");
    }
    byte[] before = Files.readAllBytes(file);

    StoreException refused = assertThrows(StoreException.class, () -> StoreFixture.open(dir));

    assertContains(refused.getMessage(), "webhook_events row id 4 column completed_at: '2025-02-30 10:00:00'",
        "claude_analyses row id 1 column created_at: '1740787202'", "unchanged", file.toString());
    assertArrayEquals(before, Files.readAllBytes(file), "the file is byte for byte as it was");
    assertEquals(List.of(), backups(), "no backup of a file that is not taken over");
  }

  @Test
  void aSeedFileWithAColumnOfItsOwnIsRefusedNamingIt() throws Exception {
    Path file = dir.resolve("webhooks.db");
    SeedDatabases.write(file, SeedDatabases.SCHEMA);
    try (Connection c = StoreFixture.raw(file); Statement s = c.createStatement()) {
      s.executeUpdate("ALTER TABLE webhook_events ADD COLUMN note TEXT");
    }
    byte[] before = Files.readAllBytes(file);

    StoreException refused = assertThrows(StoreException.class, () -> StoreFixture.open(dir));

    assertContains(refused.getMessage(), "unexpected column webhook_events.note", "column claude_analyses.event_id");
    assertArrayEquals(before, Files.readAllBytes(file));
  }

  @Test
  void killedInTheMiddleOfTheTakeoverTheFileIsTheOriginalAndTheNextStartCompletesIt() throws Exception {
    Path file = dir.resolve("webhooks.db");
    SeedDatabases.write(file, SeedDatabases.SCHEMA);
    Map<String, List<Map<String, Object>>> original = tables(file);
    Path journal = dir.resolve("webhooks.db-journal");

    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-D" + SeedSchema.PAUSE_PROPERTY + "=120000", "-cp",
        System.getProperty("java.class.path"), SeedTakeoverChild.class.getName(), dir.toString())
        .redirectErrorStream(true).redirectOutput(dir.resolve("child.log").toFile()).start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (!(backups().size() == 1 && Files.exists(journal)) && child.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertTrue(child.isAlive(), "the child waits inside the takeover: " + Files.readString(dir.resolve("child.log")));
      assertTrue(Files.exists(journal), "the takeover's transaction has written: " + Files.readString(dir.resolve("child.log")));
      Thread.sleep(500); // well inside the pause: every statement ran, the commit has not
    } finally {
      child.destroyForcibly(); // SIGKILL on Linux
      assertTrue(child.waitFor(20, TimeUnit.SECONDS));
    }
    assertTrue(Files.size(journal) > 0, "killed with a hot journal: the file was half written");

    // Opening rolls the hot journal back: the original, as it was.
    try (Connection c = StoreFixture.raw(file)) {
      assertEquals(0, queryLong(c, "PRAGMA user_version"));
    }
    assertEquals(original, tables(file), "every table exactly as the seed left it");

    StoreFixture.open(dir).close();
    try (Connection c = StoreFixture.raw(file)) {
      assertEquals(LATEST, queryLong(c, "PRAGMA user_version"));
      assertEquals(5, queryLong(c, "SELECT COUNT(*) FROM webhook_events"));
      assertEquals(2, queryLong(c, "SELECT COUNT(*) FROM claude_analyses"));
      assertEquals(3, queryLong(c, "SELECT COUNT(*) FROM seed_claude_analyses"));
      assertEquals(Instant.parse("2025-03-02T08:30:00Z").toEpochMilli(),
          queryLong(c, "SELECT completed_at FROM webhook_events WHERE id = 5"));
    }
  }

  private Path onlyBackup() throws Exception {
    List<Path> found = backups();
    assertEquals(1, found.size(), "one backup beside the file: " + found);
    return found.get(0);
  }

  private List<Path> backups() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().matches("webhooks\\.db\\.before-hls-\\d{8}T\\d{6}Z")).toList();
    }
  }

  /** The seed's three tables of {@code file}, every row and column, in id order. */
  private static Map<String, List<Map<String, Object>>> tables(Path file) throws SQLException {
    Map<String, List<Map<String, Object>>> out = new LinkedHashMap<>();
    try (Connection c = StoreFixture.raw(file)) {
      out.put("webhook_events", rows(c, "SELECT * FROM webhook_events ORDER BY id"));
      out.put("claude_analyses", rows(c, "SELECT * FROM claude_analyses ORDER BY id"));
      out.put("daily_stats", rows(c, "SELECT * FROM daily_stats ORDER BY date"));
    }
    return out;
  }

  private static List<Map<String, Object>> rows(Connection c, String sql) throws SQLException {
    List<Map<String, Object>> out = new ArrayList<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= n; i++) row.put(rs.getMetaData().getColumnName(i), rs.getObject(i));
        out.add(row);
      }
    }
    return out;
  }
}
