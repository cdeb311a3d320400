package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.NewDelivery;
import java.time.Instant;
import java.util.List;

/**
 * Puts rows in a real database the way the service would: deliveries through {@link EventStore}, then
 * the states, analyses and actions the pipeline would have written, with plain SQL on the real schema.
 */
public final class Seed {
  private static final Instant NEVER_DUE = Instant.parse("9999-01-01T00:00:00Z");
  private final Database db;
  private final EventStore events;

  public Seed(Database db) {
    this.db = db;
    this.events = new EventStore(db);
  }

  /** A stored issues delivery with a small but real-shaped payload, due at once; returns its row id. */
  public long issue(String repo, int number, String title, Instant at) {
    return events.insertBatch(List.of(delivery(repo, number, title, at)), at).get(0).id();
  }

  /**
   * As {@link #issue}, but not due until a test gives it a state ({@link #failed}, {@link #completed},
   * {@link #retryDueAt}...): a running pipeline could otherwise claim it between the two writes and then
   * overwrite the seeded state with its own outcome.
   */
  public long heldIssue(String repo, int number, String title, Instant at) {
    return held(delivery(repo, number, title, at), at);
  }

  /** As {@link #heldIssue}, for a delivery with a payload of the test's own. */
  public long held(NewDelivery delivery, Instant at) {
    long id = events.insertBatch(List.of(delivery), NEVER_DUE).get(0).id();
    db.transaction(c -> EventStore.executeUpdate(c,
        "UPDATE webhook_events SET created_at = ? WHERE id = ?", at.toEpochMilli(), id));
    return id;
  }

  private static NewDelivery delivery(String repo, int number, String title, Instant at) {
    String payload = "{\"action\":\"opened\",\"issue\":{\"number\":" + number + ",\"title\":\"" + title
        + "\",\"html_url\":\"https://github.com/" + repo + "/issues/" + number + "\"},"
        + "\"repository\":{\"full_name\":\"" + repo + "\"},\"sender\":{\"login\":\"octocat\",\"type\":\"User\"}}";
    return new NewDelivery("d-" + repo + "-" + number + "-" + at.toEpochMilli(), "issues", repo, "opened", payload, null, 0);
  }

  public void status(long id, String status, Instant startedAt, Instant completedAt, String error) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "UPDATE webhook_events SET status = ?, started_at = ?, completed_at = ?, error_message = ?,"
            + " scheduled_at = created_at WHERE id = ?",
        status, startedAt == null ? null : startedAt.toEpochMilli(),
        completedAt == null ? null : completedAt.toEpochMilli(), error, id));
  }

  /** Makes an event a retry that is not due until {@code due}: it waits, and the pipeline leaves it alone. */
  public void retryDueAt(long id, Instant due) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "UPDATE webhook_events SET status = 'retry', retry_count = 1, scheduled_at = ? WHERE id = ?",
        due.toEpochMilli(), id));
  }

  public void completed(long id, Instant at) {
    status(id, "completed", at.minusSeconds(2), at, null);
  }

  public void failed(long id, String error, Instant at) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "UPDATE webhook_events SET status = 'failed', retry_count = 5, started_at = ?, completed_at = ?,"
            + " error_message = ?, scheduled_at = created_at WHERE id = ?", at.toEpochMilli(), at.toEpochMilli(), error, id));
  }

  public void analysis(long eventId, String summary, String labelsJson, String comment, double cost, Instant at) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO claude_analyses (event_id, analysis_type, prompt, response, claude_tokens_used, claude_cost_usd,"
            + " processing_time_ms, created_at, input_tokens, output_tokens, provider, model, summary, labels_json,"
            + " comment, priority, confidence) VALUES (?, 'triage', 'p', 'r', 1500, ?, 1200, ?, 1000, 500,"
            + " 'anthropic', 'claude-sonnet-4-5', ?, ?, ?, 'high', 0.9)",
        eventId, cost, at.toEpochMilli(), summary, labelsJson, comment));
  }

  public void action(long eventId, String kind, String target, String requestJson, String status, Instant at) {
    db.transaction(c -> EventStore.executeUpdate(c,
        "INSERT INTO github_actions (event_id, kind, target, request_json, status, dry_run, reason, github_id,"
            + " created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, NULL, '42', ?, ?)",
        eventId, kind, target, requestJson, status, at.toEpochMilli(), at.toEpochMilli()));
  }

  public void dailyCost(Instant day, int analyses, double cost) {
    db.transaction(c -> {
      DailyStats.add(c, day, 0, analyses, 0, cost);
      return null;
    });
  }

  public long count(String sql) {
    return db.read(c -> {
      try (var s = c.createStatement(); var rs = s.executeQuery(sql)) {
        return rs.next() ? rs.getLong(1) : -1L;
      }
    });
  }
}
