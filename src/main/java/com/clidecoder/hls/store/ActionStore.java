package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.ActionKind;
import com.clidecoder.hls.domain.ActionStatus;
import com.clidecoder.hls.domain.PlannedAction;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The GitHub actions HLS intended and took ({@code github_actions}): one row per event, kind and target,
 * so a retried or recovered event can tell what is already done. All calls block.
 */
public final class ActionStore {
  private final Database db;

  public ActionStore(Database db) {
    this.db = db;
  }

  /** One row of {@code github_actions}. */
  public record ActionRow(
      long id,
      long eventId,
      ActionKind kind,
      String target,
      String requestJson,
      ActionStatus status,
      boolean dryRun,
      Optional<String> reason,
      Optional<String> githubId,
      Instant createdAt,
      Instant updatedAt) {}

  public List<ActionRow> forEvent(long eventId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, event_id, kind, target, request_json, status, dry_run, reason, github_id, created_at,"
              + " updated_at FROM github_actions WHERE event_id = ? ORDER BY id")) {
        s.setLong(1, eventId);
        List<ActionRow> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) rows.add(read(rs));
        }
        return rows;
      }
    });
  }

  /**
   * Records the intent before the request is sent. Returns the row as it was before this call, if
   * there was one: a row still {@code planned} or {@code failed} means an earlier attempt may have landed.
   */
  public Optional<ActionRow> plan(long eventId, PlannedAction action, Instant now) {
    return db.transaction(c -> {
      Optional<ActionRow> before = find(c, eventId, action.kind(), action.target());
      if (before.isEmpty()) {
        EventStore.executeUpdate(c,
            "INSERT INTO github_actions (event_id, kind, target, request_json, status, dry_run, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, 'planned', 0, ?, ?)",
            eventId, action.kind().code, action.target(), AnalysisStore.toJson(action), now.toEpochMilli(),
            now.toEpochMilli());
      }
      return before;
    });
  }

  /** Records how an action ended; a real (not dry-run) completed action counts in today's github_actions. */
  public void record(long eventId, PlannedAction sent, ActionStatus status, boolean dryRun, String reason,
      String githubId, Instant now) {
    db.transaction(c -> {
      int n = EventStore.executeUpdate(c,
          "UPDATE github_actions SET request_json = ?, status = ?, dry_run = ?, reason = ?, github_id = ?,"
              + " updated_at = ? WHERE event_id = ? AND kind = ? AND target = ?",
          AnalysisStore.toJson(sent), status.code, dryRun ? 1 : 0, reason, githubId, now.toEpochMilli(),
          eventId, sent.kind().code, sent.target());
      if (n == 0) {
        EventStore.executeUpdate(c,
            "INSERT INTO github_actions (event_id, kind, target, request_json, status, dry_run, reason, github_id,"
                + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            eventId, sent.kind().code, sent.target(), AnalysisStore.toJson(sent), status.code, dryRun ? 1 : 0,
            reason, githubId, now.toEpochMilli(), now.toEpochMilli());
      }
      if (status == ActionStatus.DONE && !dryRun) DailyStats.add(c, now, 0, 0, 1, 0.0);
      if (status == ActionStatus.DONE && !dryRun && sent.kind() == ActionKind.COMMENT && githubId != null) {
        rememberThreadComment(c, sent.target(), githubId, eventId, now);
      }
      return null;
    });
  }

  /** The id of the comment HLS keeps on {@code target} ({@code owner/repo#n}), if it knows one. */
  public Optional<String> threadComment(String target) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT comment_id FROM thread_comments WHERE target = ?")) {
        s.setString(1, target);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  /** Inside {@link #record}'s transaction, so the thread's comment is known exactly when the action is done. */
  private static void rememberThreadComment(
      java.sql.Connection c, String target, String commentId, long eventId, Instant now) throws SQLException {
    EventStore.executeUpdate(c,
        "INSERT INTO thread_comments (target, comment_id, event_id, updated_at) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT(target) DO UPDATE SET comment_id = excluded.comment_id, event_id = excluded.event_id,"
            + " updated_at = excluded.updated_at",
        target, commentId, eventId, now.toEpochMilli());
  }

  private static Optional<ActionRow> find(java.sql.Connection c, long eventId, ActionKind kind, String target)
      throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "SELECT id, event_id, kind, target, request_json, status, dry_run, reason, github_id, created_at,"
            + " updated_at FROM github_actions WHERE event_id = ? AND kind = ? AND target = ?")) {
      s.setLong(1, eventId);
      s.setString(2, kind.code);
      s.setString(3, target);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static ActionRow read(ResultSet rs) throws SQLException {
    String kind = rs.getString("kind");
    return new ActionRow(
        rs.getLong("id"),
        rs.getLong("event_id"),
        java.util.Arrays.stream(ActionKind.values()).filter(k -> k.code.equals(kind)).findFirst()
            .orElseThrow(() -> new IllegalStateException("unknown action kind " + kind)),
        rs.getString("target"),
        rs.getString("request_json"),
        ActionStatus.fromCode(rs.getString("status"))
            .orElseThrow(() -> new IllegalStateException("unknown action status")),
        rs.getInt("dry_run") == 1,
        Optional.ofNullable(rs.getString("reason")),
        Optional.ofNullable(rs.getString("github_id")),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("updated_at")));
  }
}
