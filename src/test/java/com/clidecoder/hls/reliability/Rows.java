package com.clidecoder.hls.reliability;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/** Reads the service's database from the test, read-only, the way an operator's sqlite3 would. */
final class Rows {
  /** One stored event. */
  record Event(long id, String deliveryId, String repository, String status, int retryCount, String error) {}

  private Rows() {}

  static Map<String, Event> events(Path db) throws SQLException {
    Map<String, Event> out = new HashMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id, delivery_id, repository, status, retry_count, error_message FROM webhook_events")) {
      while (rs.next()) {
        out.put(rs.getString(2), new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6)));
      }
    }
    return out;
  }

  static long count(Path db, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  /** Waits until no event is pending, processing or retrying (and at least {@code atLeast} exist). */
  static void awaitAllFinal(Path db, int atLeast, java.time.Duration within) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        long total = count(db, "SELECT count(*) FROM webhook_events");
        long open = count(db, "SELECT count(*) FROM webhook_events WHERE status IN ('pending','processing','retry')");
        if (total >= atLeast && open == 0) return;
      } catch (SQLException e) {
        // the file may be busy for a moment; try again
      }
      Thread.sleep(200);
    }
  }
}
