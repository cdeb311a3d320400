package com.clidecoder.hls.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;

/** Keeps the {@code daily_stats} row of the current UTC day current, inside the caller's transaction. */
final class DailyStats {
  private DailyStats() {}

  static void add(Connection c, Instant now, int webhooks, int analyses, int actions, double costUsd)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "INSERT INTO daily_stats (date, webhooks_received, claude_analyses, github_actions, total_cost_usd)"
            + " VALUES (?, ?, ?, ?, ?) ON CONFLICT (date) DO UPDATE SET"
            + " webhooks_received = webhooks_received + excluded.webhooks_received,"
            + " claude_analyses = claude_analyses + excluded.claude_analyses,"
            + " github_actions = github_actions + excluded.github_actions,"
            + " total_cost_usd = total_cost_usd + excluded.total_cost_usd")) {
      s.setString(1, EventStore.day(now));
      s.setInt(2, webhooks);
      s.setInt(3, analyses);
      s.setInt(4, actions);
      s.setDouble(5, costUsd);
      s.executeUpdate();
    }
  }
}
