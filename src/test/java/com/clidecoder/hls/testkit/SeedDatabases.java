package com.clidecoder.hls.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Databases as a user of the seed document has them: its schema.sql (the shared one, or the copy below
 * for a bare clone) and rows as its queue script writes them (signature {@code sha256=existing-system},
 * the defaults' priority 5 and CURRENT_TIMESTAMP text times), one per status, plus what its workers left:
 * analyses (one of an event that is gone, one of the event left for a retry) and a day of daily_stats.
 */
public final class SeedDatabases {
  /** The seed document's schema.sql (Phase 1, Step 3), written here so a clone without ../shared covers the same paths. */
  public static final String SCHEMA = """
      CREATE TABLE webhook_events (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          delivery_id TEXT UNIQUE NOT NULL,
          event_type TEXT NOT NULL,
          repository TEXT NOT NULL,
          action TEXT,
          payload_json TEXT NOT NULL,
          signature TEXT NOT NULL,
          status TEXT DEFAULT 'pending' CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'retry')),
          retry_count INTEGER DEFAULT 0,
          priority INTEGER DEFAULT 5,
          created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
          scheduled_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
          started_at TIMESTAMP,
          completed_at TIMESTAMP,
          error_message TEXT
      );
      CREATE INDEX idx_webhook_status ON webhook_events(status);
      CREATE INDEX idx_webhook_scheduled ON webhook_events(scheduled_at);
      CREATE TABLE claude_analyses (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          webhook_id INTEGER NOT NULL,
          event_type TEXT NOT NULL,
          repository TEXT NOT NULL,
          claude_prompt TEXT,
          claude_response TEXT,
          claude_tokens_used INTEGER,
          claude_cost_usd REAL,
          github_actions_json TEXT,
          processing_time_ms INTEGER,
          created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
          FOREIGN KEY (webhook_id) REFERENCES webhook_events(id)
      );
      CREATE TABLE daily_stats (
          date TEXT PRIMARY KEY,
          total_webhooks INTEGER DEFAULT 0,
          claude_analyses INTEGER DEFAULT 0,
          github_actions INTEGER DEFAULT 0,
          total_cost_usd REAL DEFAULT 0.0
      );
      """;
  public static final String REPO = "acme/app";
  /** Event ids by the status the seed left them in. */
  public static final long PENDING = 1, RETRY = 2, PROCESSING = 3, COMPLETED = 4, FAILED = 5;
  public static final String OLD_RESPONSE = "{\"labels\": [\"bug\"], \"comment\": \"Thanks, looking into it\"}";

  private SeedDatabases() {}

  /** ../shared/seed/schema.sql, or a skip with a message when ../shared is absent. */
  public static String sharedSchema() {
    try {
      return Files.readString(SharedFixtures.dir().resolve("seed/schema.sql"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Creates {@code file} with {@code schemaSql} (run as sqlite3 would) and the rows described above. */
  public static void write(Path file, String schemaSql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      for (String statement : schemaSql.split(";")) {
        if (!statement.replaceAll("(?m)^\\s*--.*$", "").isBlank()) s.executeUpdate(statement);
      }
      // The queue script's insert: the defaults give status, priority and the CURRENT_TIMESTAMP times.
      queue(c, PENDING, "Crash on startup: NullPointerException in ConfigLoader");
      queue(c, RETRY, "Login button does nothing on Safari");
      queue(c, PROCESSING, "Add dark mode to the settings page");
      queue(c, COMPLETED, "Typo in README");
      queue(c, FAILED, "Build fails on Windows");
      s.executeUpdate("UPDATE webhook_events SET status = 'retry', retry_count = 1, error_message = 'HTTP 502 from Claude',"
          + " created_at = '2025-03-01 10:00:00', scheduled_at = '2025-03-01 10:05:00.250' WHERE id = " + RETRY);
      s.executeUpdate("UPDATE webhook_events SET status = 'processing', started_at = '2025-03-01 11:00:01' WHERE id = " + PROCESSING);
      s.executeUpdate("UPDATE webhook_events SET status = 'completed', started_at = '2025-02-28 23:59:58',"
          + " completed_at = '2025-03-01 00:00:03' WHERE id = " + COMPLETED);
      s.executeUpdate("UPDATE webhook_events SET status = 'failed', retry_count = 3, error_message = 'gave up after 3 tries',"
          + " completed_at = '2025-03-02 08:30:00' WHERE id = " + FAILED);
      s.executeUpdate("INSERT INTO claude_analyses (webhook_id, event_type, repository, claude_prompt, claude_response,"
          + " claude_tokens_used, claude_cost_usd, github_actions_json, processing_time_ms, created_at) VALUES (" + COMPLETED
          + ", 'issues', '" + REPO + "', 'Triage this issue', '" + OLD_RESPONSE + "', 1234, 0.0125,"
          + " '[{\"type\": \"label\", \"labels\": [\"bug\"]}]', 2100, '2025-03-01 00:00:02')");
      // The seed never turned foreign keys on: an analysis can outlive its event.
      s.executeUpdate("INSERT INTO claude_analyses (webhook_id, event_type, repository, claude_prompt, claude_response,"
          + " claude_tokens_used, claude_cost_usd, created_at) VALUES (99, 'issues', '" + REPO + "', 'p', 'r', NULL, NULL,"
          + " '2025-02-01 09:00:00')");
      // Analysed, then the GitHub call failed: the seed queued it for a retry.
      s.executeUpdate("INSERT INTO claude_analyses (webhook_id, event_type, repository, claude_response, created_at)"
          + " VALUES (" + RETRY + ", 'issues', '" + REPO + "', '{\"labels\": [\"bug\"]}', '2025-03-01 10:00:04')");
      s.executeUpdate("INSERT INTO daily_stats (date, total_webhooks, claude_analyses, github_actions, total_cost_usd)"
          + " VALUES ('2025-03-01', 5, 1, 2, 0.0125)");
    }
  }

  private static void queue(Connection c, long id, String title) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO webhook_events (delivery_id, event_type, repository,"
        + " action, payload_json, signature) VALUES (?, 'issues', ?, 'opened', ?, 'sha256=existing-system')")) {
      s.setString(1, "seed-" + id);
      s.setString(2, REPO);
      s.setString(3, Payloads.issue(REPO, (int) id, "opened", title, "Seen on the seed's box. Steps: open it."));
      s.executeUpdate();
    }
  }
}
