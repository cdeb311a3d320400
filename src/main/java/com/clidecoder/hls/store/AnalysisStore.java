package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.AnalysisRecord;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.Priority;
import com.clidecoder.hls.domain.TriageHint;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Stored analyses ({@code claude_analyses}), with today's count and spend kept in {@code daily_stats}. All calls block. */
public final class AnalysisStore {
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private final Database db;

  public AnalysisStore(Database db) {
    this.db = db;
  }

  /** An analysis as stored, with its row id. */
  public record StoredAnalysis(long id, long eventId, AnalysisRecord record, Instant createdAt) {}

  /**
   * Stores an analysis and, beside it, the embedded classifier's prediction when there was one, with
   * whether the analysis agreed (its labels include the predicted type, before any label mapping).
   */
  public long insert(long eventId, AnalysisRecord r, Optional<TriageHint> hint, Instant now) {
    return db.transaction(c -> {
      long id;
      try (PreparedStatement s = c.prepareStatement(
          "INSERT INTO claude_analyses (event_id, analysis_type, prompt, response, claude_tokens_used,"
              + " claude_cost_usd, processing_time_ms, created_at, input_tokens, output_tokens, provider, model,"
              + " summary, labels_json, comment, priority, confidence, hint_type, hint_confidence, hint_agrees)"
              + " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
              + " RETURNING id")) {
        Analysis a = r.analysis();
        s.setLong(1, eventId);
        s.setString(2, r.analysisType());
        s.setString(3, r.prompt());
        s.setString(4, r.rawResponse());
        s.setLong(5, r.inputTokens() + r.outputTokens());
        s.setDouble(6, r.costUsd());
        s.setLong(7, r.processingTimeMs());
        s.setLong(8, now.toEpochMilli());
        s.setLong(9, r.inputTokens());
        s.setLong(10, r.outputTokens());
        s.setString(11, r.provider());
        s.setString(12, r.model());
        s.setString(13, a.summary());
        s.setString(14, toJson(a.labels()));
        s.setString(15, a.comment());
        s.setString(16, a.priority().code);
        s.setDouble(17, a.confidence());
        s.setString(18, hint.map(TriageHint::predictedType).orElse(null));
        s.setObject(19, hint.map(TriageHint::confidence).orElse(null));
        s.setObject(20, hint.map(h -> h.agreesWith(a) ? 1 : 0).orElse(null));
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
      }
      // The offline analyst's work is stored alike, but claude_analyses counts calls to Claude only.
      DailyStats.add(c, now, 0, r.byClaude() ? 1 : 0, 0, r.costUsd());
      return id;
    });
  }


  /** Spend on an answer that could not be used (cut off, malformed): it still counts against the budget. */
  public void recordUnusableCost(double costUsd, Instant now) {
    db.transaction(c -> {
      DailyStats.add(c, now, 0, 0, 0, costUsd);
      return null;
    });
  }

  /**
   * The newest analysis of an event: a retried event reuses it instead of paying for a second one. The
   * seed's analyses (taken over with its database) have none of HLS's labels or priority: not reused.
   */
  public Optional<StoredAnalysis> latestFor(long eventId) {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement(
          "SELECT id, event_id, analysis_type, prompt, response, input_tokens, output_tokens, claude_cost_usd,"
              + " processing_time_ms, provider, model, summary, labels_json, comment, priority, confidence, created_at"
              + " FROM claude_analyses WHERE event_id = ? AND analysis_type <> '" + SeedSchema.ANALYSIS_TYPE + "'"
              + " ORDER BY id DESC LIMIT 1")) {
        s.setLong(1, eventId);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
      }
    });
  }

  private static StoredAnalysis read(ResultSet rs) throws SQLException {
    Analysis analysis = new Analysis(
        nullToEmpty(rs.getString("summary")),
        fromJson(rs.getString("labels_json")),
        nullToEmpty(rs.getString("comment")),
        Priority.fromCode(rs.getString("priority")).orElse(Priority.MEDIUM),
        rs.getDouble("confidence"));
    AnalysisRecord record = new AnalysisRecord(
        rs.getString("provider"),
        rs.getString("model"),
        rs.getString("analysis_type"),
        rs.getString("prompt"),
        rs.getString("response"),
        rs.getLong("input_tokens"),
        rs.getLong("output_tokens"),
        rs.getDouble("claude_cost_usd"),
        rs.getLong("processing_time_ms"),
        analysis);
    return new StoredAnalysis(rs.getLong("id"), rs.getLong("event_id"), record,
        Instant.ofEpochMilli(rs.getLong("created_at")));
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  static String toJson(Object value) {
    try {
      return Json.MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + value.getClass().getSimpleName(), e);
    }
  }

  private static List<String> fromJson(String json) {
    if (json == null || json.isBlank()) return List.of();
    try {
      return Json.MAPPER.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("claude_analyses.labels_json is not a JSON list: " + e.getOriginalMessage(), e);
    }
  }
}
