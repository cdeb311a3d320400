package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.store.EventViews.ActionBrief;
import com.clidecoder.hls.store.EventViews.ActionRow;
import com.clidecoder.hls.store.EventViews.AnalysisRow;
import com.clidecoder.hls.store.EventViews.Day;
import com.clidecoder.hls.store.EventViews.Detail;
import com.clidecoder.hls.store.EventViews.Filter;
import com.clidecoder.hls.store.EventViews.Page;
import com.clidecoder.hls.store.EventViews.PurgeProgress;
import com.clidecoder.hls.store.EventViews.Retry;
import com.clidecoder.hls.store.EventViews.RetryOutcome;
import com.clidecoder.hls.store.EventViews.Row;
import com.clidecoder.hls.store.EventViews.Subject;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What operators ask of the queue: listing and inspecting events, the daily figures, requeueing
 * failures and purging old finished events. All calls block; run them on the JDBC executor.
 */
public final class EventQueries {
  /** Newest analysis of the event, for the list view (one row per event, no join fan-out). */
  private static final String ROW_COLUMNS =
      "e.id, e.delivery_id, e.event_type, e.repository, e.action, e.status, e.retry_count, e.priority,"
          + " e.created_at, e.scheduled_at, e.started_at, e.completed_at, e.error_message,"
          + " (SELECT a.summary FROM claude_analyses a WHERE a.event_id = e.id ORDER BY a.id DESC LIMIT 1) AS summary,"
          + " (SELECT a.labels_json FROM claude_analyses a WHERE a.event_id = e.id ORDER BY a.id DESC LIMIT 1)"
          + " AS labels_json,"
          // As JSON: a label name may hold any character; labels are those the action sent.
          + " (SELECT json_group_array(json_object('kind', g.kind, 'status', g.status, 'dry_run', g.dry_run,"
          + " 'reason', g.reason, 'labels', json(CASE WHEN json_valid(g.request_json)"
          + " THEN json_extract(g.request_json, '$.labels') END))) FROM"
          + " (SELECT kind, status, dry_run, reason, request_json FROM github_actions WHERE event_id = e.id ORDER BY id) g)"
          + " AS action_states,"
          // One parse of the payload per listed row; a review's own link beats its pull request's.
          + " CASE WHEN json_valid(e.payload_json) THEN json_extract(e.payload_json,"
          + " '$.issue.title', '$.pull_request.title', '$.workflow_run.name', '$.discussion.title',"
          + " '$.issue.number', '$.pull_request.number', '$.discussion.number',"
          + " '$.review.html_url', '$.issue.html_url', '$.pull_request.html_url', '$.workflow_run.html_url',"
          + " '$.discussion.html_url') END AS subject_json";
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Database db;
  private final EventStore events;

  public EventQueries(Database db, EventStore events) {
    this.db = db;
    this.events = events;
  }

  /** Events matching the filter, newest first; one extra row is read to know whether a next page exists. */
  public Page list(Filter filter) {
    StringBuilder sql = new StringBuilder("SELECT " + ROW_COLUMNS + " FROM webhook_events e WHERE 1 = 1");
    List<Object> params = new ArrayList<>();
    filter.status().ifPresent(s -> where(sql, params, " AND e.status = ?", s.code));
    filter.repository().ifPresent(r -> where(sql, params, " AND e.repository = ?", r));
    filter.eventType().ifPresent(t -> where(sql, params, " AND e.event_type = ?", t));
    filter.beforeId().ifPresent(id -> where(sql, params, " AND e.id < ?", id));
    sql.append(" ORDER BY e.id DESC LIMIT ?");
    params.add(filter.limit() + 1);
    List<Row> rows = db.read(c -> {
      try (PreparedStatement s = prepare(c, sql.toString(), params); ResultSet rs = s.executeQuery()) {
        List<Row> out = new ArrayList<>();
        while (rs.next()) out.add(row(rs));
        return out;
      }
    });
    if (rows.size() <= filter.limit()) return new Page(rows, Optional.empty());
    List<Row> page = List.copyOf(rows.subList(0, filter.limit()));
    return new Page(page, Optional.of(page.get(page.size() - 1).id()));
  }

  /** One event with every analysis and action recorded for it, oldest first. */
  public Optional<Detail> detail(long id) {
    return db.read(c -> {
      Row row;
      String payload;
      try (PreparedStatement s = prepare(c,
          "SELECT " + ROW_COLUMNS + ", e.payload_json FROM webhook_events e WHERE e.id = ?", List.of(id));
          ResultSet rs = s.executeQuery()) {
        if (!rs.next()) return Optional.empty();
        row = row(rs);
        payload = rs.getString("payload_json");
      }
      return Optional.of(new Detail(row, payload, analyses(c, id), actions(c, id)));
    });
  }

  /** The last {@code days} UTC days up to the day of {@code now}, oldest first, zeros where nothing happened. */
  public List<Day> daily(int days, Instant now) {
    LocalDate last = now.atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate first = last.minusDays(days - 1L);
    Map<String, Day> stored = db.read(c -> {
      Map<String, Day> out = new HashMap<>();
      try (PreparedStatement s = prepare(c,
          "SELECT date, webhooks_received, claude_analyses, github_actions, total_cost_usd FROM daily_stats"
              + " WHERE date >= ? AND date <= ?", List.of(first.toString(), last.toString()));
          ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          out.put(rs.getString(1), new Day(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getDouble(5)));
        }
      }
      return out;
    });
    List<Day> out = new ArrayList<>(days);
    for (LocalDate d = first; !d.isAfter(last); d = d.plusDays(1)) {
      out.add(stored.getOrDefault(d.toString(), new Day(d.toString(), 0, 0, 0, 0.0)));
    }
    return out;
  }

  /** Requeues one failed event (fresh retry count, due now); anything else is left as it is. */
  public Retry requeue(long id, Instant now) {
    if (events.requeue(id, now)) return new Retry(RetryOutcome.REQUEUED, Optional.of(EventStatus.PENDING));
    Optional<EventStatus> status = events.statusOf(id);
    return new Retry(status.isPresent() ? RetryOutcome.NOT_FAILED : RetryOutcome.NOT_FOUND, status);
  }

  public int requeueAllFailed(Instant now) {
    return events.requeueAllFailed(now);
  }

  private static final java.util.Set<EventStatus> PURGED_BY_DEFAULT = java.util.Set.of(EventStatus.COMPLETED, EventStatus.SKIPPED);

  /** Completed or skipped events that finished (or, lacking that, arrived) before {@code cutoff}. */
  public long countPurgeable(Instant cutoff) {
    return new Retention(db).count(PURGED_BY_DEFAULT, cutoff);
  }

  /** Deletes completed and skipped events older than {@code olderThan} (see {@link Retention#delete}). */
  public long purge(Duration olderThan, Instant now, int batchSize, PurgeProgress progress) {
    return new Retention(db).delete(PURGED_BY_DEFAULT, now.minus(olderThan), batchSize, progress);
  }

  private static List<AnalysisRow> analyses(Connection c, long eventId) throws SQLException {
    List<AnalysisRow> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c,
        "SELECT provider, model, summary, labels_json, comment, priority, confidence, input_tokens, output_tokens,"
            + " claude_cost_usd, processing_time_ms, created_at FROM claude_analyses WHERE event_id = ? ORDER BY id",
        List.of(eventId)); ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        double confidence = rs.getDouble("confidence");
        Optional<Double> conf = rs.wasNull() ? Optional.empty() : Optional.of(confidence);
        out.add(new AnalysisRow(
            rs.getString("provider"),
            Optional.ofNullable(rs.getString("model")),
            Optional.ofNullable(rs.getString("summary")),
            labels(rs.getString("labels_json")),
            Optional.ofNullable(rs.getString("comment")),
            Optional.ofNullable(rs.getString("priority")),
            conf,
            rs.getLong("input_tokens"),
            rs.getLong("output_tokens"),
            rs.getDouble("claude_cost_usd"),
            rs.getLong("processing_time_ms"),
            Instant.ofEpochMilli(rs.getLong("created_at"))));
      }
    }
    return out;
  }

  private static List<ActionRow> actions(Connection c, long eventId) throws SQLException {
    List<ActionRow> out = new ArrayList<>();
    try (PreparedStatement s = prepare(c,
        "SELECT kind, target, status, dry_run, reason, github_id, request_json, created_at, updated_at"
            + " FROM github_actions WHERE event_id = ? ORDER BY id", List.of(eventId));
        ResultSet rs = s.executeQuery()) {
      while (rs.next()) {
        out.add(new ActionRow(
            rs.getString("kind"),
            rs.getString("target"),
            rs.getString("status"),
            rs.getInt("dry_run") != 0,
            Optional.ofNullable(rs.getString("reason")),
            Optional.ofNullable(rs.getString("github_id")),
            rs.getString("request_json"),
            Instant.ofEpochMilli(rs.getLong("created_at")),
            Instant.ofEpochMilli(rs.getLong("updated_at"))));
      }
    }
    return out;
  }

  private static Row row(ResultSet rs) throws SQLException {
    String status = rs.getString("status");
    return new Row(
        rs.getLong("id"),
        rs.getString("delivery_id"),
        rs.getString("event_type"),
        rs.getString("repository"),
        rs.getString("action"),
        EventStatus.fromCode(status).orElseThrow(() -> new SQLException("unknown status " + status)),
        rs.getInt("retry_count"),
        rs.getInt("priority"),
        Instant.ofEpochMilli(rs.getLong("created_at")),
        Instant.ofEpochMilli(rs.getLong("scheduled_at")),
        instant(rs, "started_at"),
        instant(rs, "completed_at"),
        Optional.ofNullable(rs.getString("error_message")),
        Optional.ofNullable(rs.getString("summary")),
        labels(rs.getString("labels_json")),
        briefs(rs.getString("action_states")),
        subject(rs.getString("subject_json")));
  }

  /** The first title, number and link of the paths {@link #ROW_COLUMNS} extracts, in that order. */
  private static Subject subject(String extracted) {
    if (extracted == null) return Subject.NONE;
    try {
      JsonNode v = Json.MAPPER.readTree(extracted);
      return new Subject(firstText(v, 0, 4), firstNumber(v, 4, 7), firstText(v, 7, 12));
    } catch (JsonProcessingException e) {
      return Subject.NONE;
    }
  }

  private static Optional<String> firstText(JsonNode values, int from, int to) {
    for (int i = from; i < to; i++) {
      if (values.path(i).isTextual()) return Optional.of(values.path(i).asText());
    }
    return Optional.empty();
  }

  private static Optional<Long> firstNumber(JsonNode values, int from, int to) {
    for (int i = from; i < to; i++) {
      if (values.path(i).isIntegralNumber()) return Optional.of(values.path(i).asLong());
    }
    return Optional.empty();
  }

  /** The JSON array of {@code {kind, status, dry_run, reason, labels}} the list query builds. */
  private static List<ActionBrief> briefs(String json) {
    if (json == null || json.isEmpty()) return List.of();
    List<ActionBrief> out = new ArrayList<>();
    try {
      for (JsonNode a : Json.MAPPER.readTree(json)) {
        List<String> labels = new ArrayList<>();
        a.path("labels").forEach(l -> labels.add(l.asText()));
        JsonNode reason = a.path("reason");
        out.add(new ActionBrief(a.path("kind").asText(), a.path("status").asText(), a.path("dry_run").asInt() != 0,
            List.copyOf(labels), reason.isTextual() ? Optional.of(reason.asText()) : Optional.empty()));
      }
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the list query built invalid JSON for the actions: " + e.getOriginalMessage(), e);
    }
    return out;
  }

  private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? Optional.empty() : Optional.of(Instant.ofEpochMilli(v));
  }

  /** labels_json is written by the pipeline as a JSON array of names; anything else is a bug worth seeing. */
  static List<String> labels(String json) {
    if (json == null || json.isBlank()) return List.of();
    try {
      List<String> labels = Json.MAPPER.readValue(json, STRINGS);
      return labels == null ? List.of() : List.copyOf(labels);
    } catch (JsonProcessingException e) {
      throw new StoreException("claude_analyses.labels_json is not a JSON array of strings: " + e.getOriginalMessage(), e);
    }
  }

  private static void where(StringBuilder sql, List<Object> params, String clause, Object value) {
    sql.append(clause);
    params.add(value);
  }

  private static PreparedStatement prepare(Connection c, String sql, List<?> params) throws SQLException {
    PreparedStatement s = c.prepareStatement(sql);
    try {
      for (int i = 0; i < params.size(); i++) s.setObject(i + 1, params.get(i));
      return s;
    } catch (SQLException e) {
      s.close();
      throw e;
    }
  }
}
