package com.clidecoder.hls.store;

import com.clidecoder.hls.domain.EventStatus;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Read models returned by {@link EventQueries}: what the management API, CLI and dashboard show. */
public final class EventViews {
  private EventViews() {}

  /** Which events to list: newest first, below {@code beforeId} when paging. */
  public record Filter(
      Optional<EventStatus> status,
      Optional<String> repository,
      Optional<String> eventType,
      int limit,
      Optional<Long> beforeId) {
    public static final int MAX_LIMIT = 500;

    public Filter {
      if (limit < 1 || limit > MAX_LIMIT) throw new IllegalArgumentException("limit must be 1.." + MAX_LIMIT);
    }

    public static Filter latest(int limit) {
      return new Filter(Optional.empty(), Optional.empty(), Optional.empty(), limit, Optional.empty());
    }
  }

  /**
   * One stored event with the summary and labels of its latest analysis (empty when not analysed) and
   * the state of each GitHub action planned for it. Timestamps the event has not reached yet are empty.
   */
  public record Row(
      long id,
      String deliveryId,
      String eventType,
      String repository,
      String action,
      EventStatus status,
      int retryCount,
      int priority,
      Instant createdAt,
      Instant scheduledAt,
      Optional<Instant> startedAt,
      Optional<Instant> completedAt,
      Optional<String> errorMessage,
      Optional<String> summary,
      List<String> labels,
      List<ActionBrief> actions,
      Subject subject) {}

  /** What the delivery is about, from its payload: title, issue or pull request number, GitHub link. */
  public record Subject(Optional<String> title, Optional<Long> number, Optional<String> url) {
    public static final Subject NONE = new Subject(Optional.empty(), Optional.empty(), Optional.empty());
  }

  /** One {@code github_actions} row of a listed event, without its request: enough to say what was planned. */
  public record ActionBrief(String kind, String status, boolean dryRun, List<String> labels, Optional<String> reason) {}

  /** A page of rows; {@code nextBeforeId} asks for the page after it, empty on the last page. */
  public record Page(List<Row> events, Optional<Long> nextBeforeId) {}

  /** One event in full: its payload (for the API to summarise), every analysis and every action. */
  public record Detail(Row event, String payloadJson, List<AnalysisRow> analyses, List<ActionRow> actions) {}

  public record AnalysisRow(
      String provider,
      Optional<String> model,
      Optional<String> summary,
      List<String> labels,
      Optional<String> comment,
      Optional<String> priority,
      Optional<Double> confidence,
      long inputTokens,
      long outputTokens,
      double costUsd,
      long processingTimeMs,
      Instant createdAt) {}

  public record ActionRow(
      String kind,
      String target,
      String status,
      boolean dryRun,
      Optional<String> reason,
      Optional<String> githubId,
      String requestJson,
      Instant createdAt,
      Instant updatedAt) {}

  /** One UTC day of {@code daily_stats}; days without a row are zeros. */
  public record Day(String date, long webhooks, long claudeAnalyses, long githubActions, double totalCostUsd) {}

  /** What asking to requeue one event found; {@code status} is the event's status now (empty when not found). */
  public record Retry(RetryOutcome outcome, Optional<EventStatus> status) {}

  public enum RetryOutcome {
    REQUEUED,
    NOT_FOUND,
    NOT_FAILED
  }

  /** Progress of a purge: events deleted so far out of those found when it started. */
  @FunctionalInterface
  public interface PurgeProgress {
    void deleted(long soFar, long total);
  }
}
