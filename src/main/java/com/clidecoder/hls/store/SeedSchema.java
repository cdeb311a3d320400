package com.clidecoder.hls.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.sqlite.Function;

/**
 * The database of the seed document (its {@code schema.sql}, Phase 1 Step 3, rows written by its queue
 * script): text timestamps from {@code CURRENT_TIMESTAMP}, {@code claude_analyses.webhook_id}, {@code
 * daily_stats.total_webhooks}, {@code user_version} 0. HLS takes it over as version 1 (migration 001's
 * shape) in the migrations' own transaction, after a consistent copy beside it; docs/migration.md says
 * what each column becomes.
 */
final class SeedSchema {
  /** The seed's tables and columns, as its schema.sql creates them. */
  static final Map<String, List<String>> TABLES = tables();
  /** Test hook: milliseconds to wait inside the takeover's transaction, so a test can kill -9 the process there. */
  static final String PAUSE_PROPERTY = "hls.store.seed-takeover-pause-ms";
  static final String ANALYSIS_TYPE = "seed";
  /** The seed's text timestamps: CURRENT_TIMESTAMP's form (UTC), with at most milliseconds so the conversion is exact. */
  private static final DateTimeFormatter TEXT_TIME = new DateTimeFormatterBuilder()
      .appendPattern("uuuu-MM-dd HH:mm:ss")
      .optionalStart().appendFraction(ChronoField.MILLI_OF_SECOND, 1, 3, true).optionalEnd()
      .toFormatter().withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter BACKUP_STAMP = DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
  private static final String MILLIS_FUNCTION = "hls_seed_millis";
  private static final int NAMED_PROBLEMS = 10;

  /** A text time the takeover converts; {@code required} where HLS's column is NOT NULL with nothing to fall back on. */
  private record TimeColumn(String table, String column, boolean required) {}

  private static final List<TimeColumn> TIME_COLUMNS = List.of(
      new TimeColumn("webhook_events", "created_at", true),
      new TimeColumn("webhook_events", "scheduled_at", false), // NULL: created_at
      new TimeColumn("webhook_events", "started_at", false),
      new TimeColumn("webhook_events", "completed_at", false),
      new TimeColumn("claude_analyses", "created_at", true));

  private SeedSchema() {}

  private static Map<String, List<String>> tables() {
    Map<String, List<String>> t = new LinkedHashMap<>();
    t.put("webhook_events", List.of("id", "delivery_id", "event_type", "repository", "action", "payload_json",
        "signature", "status", "retry_count", "priority", "created_at", "scheduled_at", "started_at", "completed_at",
        "error_message"));
    t.put("claude_analyses", List.of("id", "webhook_id", "event_type", "repository", "claude_prompt",
        "claude_response", "claude_tokens_used", "claude_cost_usd", "github_actions_json", "processing_time_ms",
        "created_at"));
    t.put("daily_stats", List.of("date", "total_webhooks", "claude_analyses", "github_actions", "total_cost_usd"));
    return t;
  }

  /**
   * How the file differs from the seed's schema (missing tables or columns, and columns of webhook_events
   * the seed has not: the pipeline's rebuild of that table would drop them); empty when it is the seed's.
   */
  static List<String> differences(Connection c) throws SQLException {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, List<String>> table : TABLES.entrySet()) {
      Set<String> present = WorkersSchema.columns(c, table.getKey());
      if (present.isEmpty()) {
        out.add("table " + table.getKey());
        continue;
      }
      for (String column : table.getValue()) {
        if (!present.contains(column)) out.add("column " + table.getKey() + "." + column);
      }
      if (table.getKey().equals("webhook_events")) {
        for (String column : present) {
          if (!table.getValue().contains(column)) out.add("unexpected column webhook_events." + column);
        }
      }
    }
    return out;
  }

  /**
   * Refuses the takeover, before anything is written, when a timestamp the conversion needs does not
   * parse: names each (table, row id, column, value), up to {@value #NAMED_PROBLEMS} of them.
   */
  static void checkTimestamps(Connection c, Path path) throws SQLException {
    List<String> problems = new ArrayList<>();
    int more = 0;
    for (TimeColumn col : TIME_COLUMNS) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT id, " + col.column() + " FROM " + col.table() + " ORDER BY id")) {
        while (rs.next()) {
          String value = rs.getString(2);
          String problem = value == null
              ? (col.required() ? "NULL (HLS needs a time here)" : null)
              : (parses(value) ? null : "'" + value + "' is not a UTC time of the form YYYY-MM-DD HH:MM:SS[.mmm]");
          if (problem == null) continue;
          if (problems.size() < NAMED_PROBLEMS) {
            problems.add(col.table() + " row id " + rs.getLong(1) + " column " + col.column() + ": " + problem);
          } else {
            more++;
          }
        }
      }
    }
    if (problems.isEmpty()) return;
    throw new StoreException("database " + path + " is the seed's schema but cannot be taken over: "
        + String.join("; ", problems) + (more > 0 ? "; and " + more + " more" : "")
        + ". The file is unchanged; correct these values (or restore a backup) and start again.", null);
  }

  private static boolean parses(String text) {
    try {
      millis(text);
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }

  /** A seed timestamp as HLS's epoch milliseconds (UTC). */
  static long millis(String text) {
    return LocalDateTime.parse(text, TEXT_TIME).toInstant(ZoneOffset.UTC).toEpochMilli();
  }

  /**
   * Writes a consistent copy of the file beside it ({@code NAME.before-hls-<UTC time>}) with {@code VACUUM
   * INTO}, synced and then renamed from a {@code .partial} name, so a kill leaves no copy that looks whole.
   */
  static Path backup(Connection c, Path path, Instant now) throws SQLException {
    Path target = path.resolveSibling(path.getFileName() + ".before-hls-" + BACKUP_STAMP.format(now));
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    try {
      removeUnfinishedBackups(path);
      try (PreparedStatement s = c.prepareStatement("VACUUM INTO ?")) {
        s.setString(1, partial.toString());
        s.executeUpdate();
      }
      try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      return Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new StoreException("cannot write the backup " + target + " before taking over " + path + " (the file"
          + " is unchanged): " + e.getMessage(), e);
    }
  }

  /** The {@code .partial} copies of earlier takeovers that were killed while writing them. */
  private static void removeUnfinishedBackups(Path path) throws IOException {
    String prefix = path.getFileName() + ".before-hls-";
    try (var siblings = Files.list(path.toAbsolutePath().getParent())) {
      for (Path p : siblings.toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith(prefix) && name.endsWith(".partial")) Files.delete(p);
      }
    }
  }

  /** Registers the conversion the statements of {@link #adopt} call, on the migration's connection. */
  static void registerFunctions(Connection c) throws SQLException {
    Function.create(c, MILLIS_FUNCTION, new Function() {
      @Override
      protected void xFunc() throws SQLException {
        String text = value_text(0);
        if (text == null) {
          result();
        } else {
          result(millis(text)); // checked beforehand by checkTimestamps
        }
      }
    }, 1, Function.FLAG_DETERMINISTIC);
  }

  /**
   * The statements that turn the seed's tables into migration 001's ({@code version1Sql}), then version 1.
   * webhook_events keeps its columns and gets epoch milliseconds (the pipeline migration rebuilds it);
   * claude_analyses and daily_stats are rebuilt with their contents moved, after a verbatim copy under
   * the seed's names ({@code seed_claude_analyses}, {@code seed_daily_stats}).
   */
  static List<String> adopt(String version1Sql) {
    String f = MILLIS_FUNCTION;
    List<String> out = new ArrayList<>();
    out.add("UPDATE webhook_events SET created_at = " + f + "(created_at),"
        + " scheduled_at = " + f + "(COALESCE(scheduled_at, created_at)), started_at = " + f + "(started_at),"
        + " completed_at = " + f + "(completed_at), retry_count = COALESCE(retry_count, 0),"
        + " priority = COALESCE(priority, 5), status = COALESCE(status, 'pending')");
    out.add("CREATE TABLE seed_claude_analyses AS SELECT * FROM claude_analyses");
    out.add(createTable(version1Sql, "claude_analyses"));
    out.add("INSERT INTO sqlite_sequence (name, seq) SELECT 'claude_analyses_new', seq FROM sqlite_sequence"
        + " WHERE name = 'claude_analyses'");
    // An analysis of an event that is gone (the seed never enforced its foreign key) stays in the copy only.
    out.add("INSERT INTO claude_analyses_new (id, event_id, analysis_type, prompt, response, claude_tokens_used,"
        + " claude_cost_usd, processing_time_ms, created_at) SELECT id, webhook_id, '" + ANALYSIS_TYPE + "',"
        + " claude_prompt, claude_response, COALESCE(claude_tokens_used, 0), COALESCE(claude_cost_usd, 0),"
        + " COALESCE(processing_time_ms, 0), " + f + "(created_at) FROM claude_analyses"
        + " WHERE webhook_id IN (SELECT id FROM webhook_events)");
    out.add("DROP TABLE claude_analyses");
    out.add("ALTER TABLE claude_analyses_new RENAME TO claude_analyses");
    out.add("CREATE TABLE seed_daily_stats AS SELECT * FROM daily_stats");
    out.add(createTable(version1Sql, "daily_stats"));
    out.add("INSERT INTO daily_stats_new (date, webhooks_received, claude_analyses, github_actions, total_cost_usd)"
        + " SELECT date, COALESCE(total_webhooks, 0), COALESCE(claude_analyses, 0), COALESCE(github_actions, 0),"
        + " COALESCE(total_cost_usd, 0) FROM daily_stats");
    out.add("DROP TABLE daily_stats");
    out.add("ALTER TABLE daily_stats_new RENAME TO daily_stats");
    for (String statement : Migrations.statements(version1Sql)) {
      if (statement.contains(" ON claude_analyses ")) out.add(statement);
    }
    out.add("PRAGMA user_version = 1");
    return out;
  }

  /**
   * After the last migration: the seed's response shows as the analysis' summary (the seed had no
   * summary of its own), so {@code bin/hls events show} and the dashboard show what it said.
   */
  static List<String> afterMigrations() {
    return List.of("UPDATE claude_analyses SET summary = response WHERE analysis_type = '" + ANALYSIS_TYPE
        + "' AND summary IS NULL");
  }

  /** Migration 001's CREATE TABLE of {@code table}, creating {@code table}_new instead. */
  private static String createTable(String version1Sql, String table) {
    for (String statement : Migrations.statements(version1Sql)) {
      if (statement.startsWith("CREATE TABLE " + table + " ")) {
        return "CREATE TABLE " + table + "_new " + statement.substring(("CREATE TABLE " + table + " ").length());
      }
    }
    throw new IllegalStateException("migration 001 has no table " + table);
  }

  /** The test hook of {@link #PAUSE_PROPERTY}; nothing unless the property is set. */
  static void pauseForTests() {
    long pause = Long.getLong(PAUSE_PROPERTY, 0);
    if (pause <= 0) return;
    try {
      Thread.sleep(pause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
