package com.clidecoder.hls.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The first stage of retention ({@code hls.database.payload-retention}): the payload of a completed or
 * skipped event older than the cutoff is replaced by the few fields the list, the detail and the
 * dashboard show (action, repository name, sender, the title, number, state and link of its issue,
 * pull request, review, workflow run or discussion), marked {@code "hls_trimmed": true}. Payloads are
 * most of the file; the rows stay until {@link Retention} deletes them. A failed event keeps its
 * payload, since {@code bin/hls retry} analyses it again. A watermark ({@code payload_trims}) makes
 * each run read only the rows that became old enough since the last.
 */
public final class PayloadTrim {
  public static final int BATCH = 500;

  /** What the stored payload becomes ({@code ->} keeps each value's JSON type; a missing one is null). */
  static final String TRIMMED = "json_object("
      + "'action', json(payload_json -> '$.action'),"
      + " 'repository', json_object('full_name', json(payload_json -> '$.repository.full_name')),"
      + " 'sender', json_object('login', json(payload_json -> '$.sender.login'), 'type', json(payload_json -> '$.sender.type')),"
      + subject("issue", "number", "title", "state", "html_url") + ","
      + subject("pull_request", "number", "title", "state", "draft", "html_url") + ","
      + subject("review", "state", "html_url") + ","
      + subject("workflow_run", "name", "run_number", "conclusion", "html_url") + ","
      + subject("discussion", "number", "title", "html_url") + ","
      + " 'hls_trimmed', json('true'))";

  /** The last run: how far it trimmed, when, and how many payloads. */
  public record LastRun(Instant trimmedBefore, Instant at, long trimmed) {}

  // Retention's final-and-older clause (it uses the partial index), from the watermark on.
  private static final String WINDOW = Retention.FINAL_OLDER
      + " AND COALESCE(completed_at, created_at) >= ? AND status IN ('completed', 'skipped')";

  private final Database db;

  public PayloadTrim(Database db) {
    this.db = db;
  }

  /** Trims the payloads of completed and skipped events that finished before {@code cutoff}; returns how many. */
  public long run(Instant cutoff, Instant now) {
    long from = lastRun().map(r -> r.trimmedBefore().toEpochMilli()).orElse(0L);
    if (cutoff.toEpochMilli() <= from) return 0;
    long trimmed = 0;
    while (true) {
      int n = db.transaction(c -> trimBatch(c, from, cutoff.toEpochMilli()));
      if (n == 0) break;
      trimmed += n;
    }
    long done = trimmed;
    db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO payload_trims (id, trimmed_before, ran_at, trimmed) VALUES (1, ?, ?, ?) ON CONFLICT (id)"
            + " DO UPDATE SET trimmed_before = excluded.trimmed_before, ran_at = excluded.ran_at, trimmed = excluded.trimmed",
        cutoff.toEpochMilli(), now.toEpochMilli(), done));
    return done;
  }

  public Optional<LastRun> lastRun() {
    return db.read(c -> {
      try (PreparedStatement s = c.prepareStatement("SELECT trimmed_before, ran_at, trimmed FROM payload_trims WHERE id = 1");
          ResultSet rs = s.executeQuery()) {
        return rs.next()
            ? Optional.of(new LastRun(Instant.ofEpochMilli(rs.getLong(1)), Instant.ofEpochMilli(rs.getLong(2)), rs.getLong(3)))
            : Optional.empty();
      }
    });
  }

  private static int trimBatch(Connection c, long from, long cutoff) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement s = c.prepareStatement("SELECT id FROM " + WINDOW
        + " AND json_valid(payload_json) AND json_type(payload_json, '$.hls_trimmed') IS NULL LIMIT ?")) {
      s.setLong(1, cutoff);
      s.setLong(2, from);
      s.setInt(3, BATCH);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) ids.add(rs.getLong(1));
      }
    }
    if (ids.isEmpty()) return 0;
    return EventStore.executeUpdate(c, "UPDATE webhook_events SET payload_json = " + TRIMMED
        + " WHERE id IN " + Retention.placeholders(ids.size()),
        ids.toArray());
  }

  /** {@code 'name', json_object(field...)} when the payload has that object, else nothing under that name. */
  private static String subject(String name, String... fields) {
    StringBuilder o = new StringBuilder(" '" + name + "', CASE WHEN json_type(payload_json, '$." + name + "') = 'object' THEN json_object(");
    for (int i = 0; i < fields.length; i++) {
      if (i > 0) o.append(", ");
      o.append("'").append(fields[i]).append("', json(payload_json -> '$.").append(name).append('.').append(fields[i]).append("')");
    }
    return o.append(") END").toString();
  }
}
