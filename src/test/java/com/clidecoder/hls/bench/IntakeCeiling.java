package com.clidecoder.hls.bench;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.Database;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

/**
 * The ceiling for intake: a raw JDBC loop that inserts the same rows the service stores (the same
 * payloads, the real schema with its indexes) into a fresh SQLite file in WAL mode with
 * {@code synchronous=FULL}, {@code batch} rows per transaction, no HTTP, no parsing in the timed loop.
 *
 * <p>Usage: {@code IntakeCeiling FIXTURES_DIR DB_FILE ROWS BATCH}; prints {@code CEILING events_per_s=...}.
 */
public final class IntakeCeiling {
  private IntakeCeiling() {}

  public static void main(String[] args) throws Exception {
    Path fixtures = Path.of(args[0]);
    Path db = Path.of(args[1]);
    int rows = Integer.parseInt(args[2]);
    int batch = Integer.parseInt(args[3]);
    for (String suffix : new String[] {"", "-wal", "-shm"}) Files.deleteIfExists(Path.of(db + suffix));
    // The real schema, migrated the way the service does it.
    Database.open(new HlsConfig.Database(db, Duration.ofSeconds(5), 1, batch, 10_000)).close();

    List<Fixtures.Delivery> payloads = Fixtures.queued(fixtures);
    String[] repos = new String[payloads.size()];
    String[] actions = new String[payloads.size()];
    String[] bodies = new String[payloads.size()];
    for (int i = 0; i < payloads.size(); i++) {
      bodies[i] = new String(payloads.get(i).body(), StandardCharsets.UTF_8);
      JsonNode n = Json.MAPPER.readTree(bodies[i]);
      repos[i] = n.path("repository").path("full_name").asText();
      actions[i] = n.path("action").asText(null);
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
      try (Statement s = c.createStatement()) {
        s.execute("PRAGMA journal_mode=WAL");
        s.execute("PRAGMA synchronous=FULL");
      }
      c.setAutoCommit(false);
      long start = System.nanoTime();
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO webhook_events (delivery_id, event_type, repository, action, payload_json, signature,"
              + " status, priority, created_at, scheduled_at) VALUES (?, ?, ?, ?, ?, NULL, 'pending', 0, ?, ?)")) {
        for (int i = 0; i < rows; i++) {
          int p = i % payloads.size();
          long now = System.currentTimeMillis();
          insert.setString(1, "ceiling-" + i);
          insert.setString(2, payloads.get(p).event());
          insert.setString(3, repos[p]);
          insert.setString(4, actions[p]);
          insert.setString(5, bodies[p]);
          insert.setLong(6, now);
          insert.setLong(7, now);
          insert.addBatch();
          if ((i + 1) % batch == 0 || i == rows - 1) {
            insert.executeBatch();
            c.commit();
          }
        }
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf("CEILING rows=%d batch=%d seconds=%.3f events_per_s=%.0f%n", rows, batch, seconds, rows / seconds);
    }
  }
}
