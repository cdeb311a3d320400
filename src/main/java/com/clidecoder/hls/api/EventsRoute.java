package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUri;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathEnd;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.EventQueries;
import com.clidecoder.hls.store.EventViews;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.Query;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The management API over the queue: {@code GET /api/events} (filters, pagination),
 * {@code GET /api/events/{id}}, {@code POST /api/events/{id}/retry}, {@code POST /api/events/retry-failed}
 * and {@code GET /api/daily}. Reads follow {@link Access#readable}, requeues {@link Access#mutating}; a
 * requeue wakes the pipeline so the event does not wait for the next poll.
 */
public final class EventsRoute {
  private static final Logger log = LoggerFactory.getLogger(EventsRoute.class);
  static final int DEFAULT_LIMIT = 50;
  static final int DEFAULT_DAYS = 30;
  static final int MAX_DAYS = 366;

  private final Supplier<HlsConfig> config;
  private final EventQueries queries;
  private final Executor jdbc;
  private final Runnable wake;
  private final Clock clock;

  public EventsRoute(Supplier<HlsConfig> config, EventQueries queries, Executor jdbc, Runnable wake, Clock clock) {
    this.config = config;
    this.queries = queries;
    this.jdbc = jdbc;
    this.wake = wake;
    this.clock = clock;
  }

  public Route route() {
    return handleExceptions(Replies.exceptions(), () -> pathPrefix("api", () -> concat(
        pathPrefix("events", () -> concat(
            pathEnd(() -> Replies.only(HttpMethods.GET, () -> read(() -> withFilter(this::list)))),
            path("retry-failed", () -> Replies.only(HttpMethods.POST, () -> mutate(this::retryFailed))),
            pathPrefix(PathMatchers.longSegment(), id -> concat(
                pathEnd(() -> Replies.only(HttpMethods.GET, () -> read(() -> show(id)))),
                path("retry", () -> Replies.only(HttpMethods.POST, () -> mutate(() -> retry(id)))))),
            pathPrefix(PathMatchers.segment(), bad -> bad.matches("\\d+")
                ? Replies.reject(StatusCodes.NOT_FOUND, "no such route under /api/events/" + bad)
                : Replies.reject(StatusCodes.BAD_REQUEST, "event id must be a positive number, not '" + bad + "'")))),
        path("daily", () -> Replies.only(HttpMethods.GET, () -> read(() -> withDays(this::daily)))))));
  }

  private Route read(Supplier<Route> inner) {
    return Access.readable(config.get(), inner);
  }

  private Route mutate(Supplier<Route> inner) {
    return Access.mutating(config.get(), inner);
  }

  private Route list(EventViews.Filter filter) {
    return blocking(() -> EventJson.page(queries.list(filter)), body -> Replies.ok(body));
  }

  private Route show(long id) {
    return blocking(() -> queries.detail(id), found -> found
        .map(d -> Replies.ok(EventJson.detail(d)))
        .orElseGet(() -> Replies.reject(StatusCodes.NOT_FOUND, "no event " + id)));
  }

  private Route retry(long id) {
    return blocking(() -> queries.requeue(id, clock.instant()), result -> switch (result.outcome()) {
      case REQUEUED -> {
        log.info("event=requeued id={} by=api", id);
        wake.run();
        yield Replies.ok(Map.of("status", "requeued", "id", id));
      }
      case NOT_FOUND -> Replies.reject(StatusCodes.NOT_FOUND, "no event " + id);
      case NOT_FAILED -> Replies.reject(StatusCodes.CONFLICT,
          "event " + id + " is " + result.status().map(s -> s.code).orElse("unknown")
              + "; only failed events are requeued");
    });
  }

  private Route retryFailed() {
    return blocking(() -> queries.requeueAllFailed(clock.instant()), count -> {
      log.info("event=requeued_failed count={} by=api", count);
      if (count > 0) wake.run();
      return Replies.ok(Map.of("status", "requeued", "count", count));
    });
  }

  private Route daily(int days) {
    return blocking(() -> queries.daily(days, clock.instant()),
        rows -> Replies.ok(Map.of("days", rows.stream().map(EventJson::day).toList())));
  }

  /** Runs blocking store work on the JDBC executor; a database failure is a JSON 503, not a 500. */
  private <T> Route blocking(Supplier<T> work, Function<T, Route> reply) {
    return onComplete(CompletableFuture.supplyAsync(work, jdbc), result -> {
      if (result.isSuccess()) return reply.apply(result.get());
      log.warn("event=management_query_failed error={}", result.failed().get().toString());
      return Replies.reject(StatusCodes.SERVICE_UNAVAILABLE, "the database cannot be read right now");
    });
  }

  private Route withFilter(Function<EventViews.Filter, Route> inner) {
    return extractUri(uri -> {
      Query q = uri.query();
      try {
        return inner.apply(filter(q));
      } catch (IllegalArgumentException e) {
        return Replies.reject(StatusCodes.BAD_REQUEST, e.getMessage());
      }
    });
  }

  private Route withDays(Function<Integer, Route> inner) {
    return extractUri(uri -> {
      try {
        return inner.apply((int) number(uri.query(), "days", DEFAULT_DAYS, 1, MAX_DAYS));
      } catch (IllegalArgumentException e) {
        return Replies.reject(StatusCodes.BAD_REQUEST, e.getMessage());
      }
    });
  }

  /** Parses the list filters; a bad value is an IllegalArgumentException whose message is the 400's reason. */
  static EventViews.Filter filter(Query q) {
    Optional<EventStatus> status = nonBlank(q, "status").map(s -> EventStatus.fromCode(s).orElseThrow(() ->
        new IllegalArgumentException("status must be one of " + codes() + ", not '" + s + "'")));
    int limit = (int) number(q, "limit", DEFAULT_LIMIT, 1, EventViews.Filter.MAX_LIMIT);
    Optional<Long> beforeId = nonBlank(q, "before_id").isPresent()
        ? Optional.of(number(q, "before_id", 0, 1, Long.MAX_VALUE))
        : Optional.empty();
    return new EventViews.Filter(status, nonBlank(q, "repo"), nonBlank(q, "type"), limit, beforeId);
  }

  private static long number(Query q, String name, long fallback, long min, long max) {
    Optional<String> raw = nonBlank(q, name);
    if (raw.isEmpty()) return fallback;
    try {
      long v = Long.parseLong(raw.get());
      if (v >= min && v <= max) return v;
    } catch (NumberFormatException e) {
      // reported below with the allowed range
    }
    throw new IllegalArgumentException(name + " must be a whole number from " + min + " to " + max + ", not '" + raw.get() + "'");
  }

  private static Optional<String> nonBlank(Query q, String name) {
    return q.get(name).map(String::strip).filter(s -> !s.isEmpty());
  }

  private static List<String> codes() {
    return Arrays.stream(EventStatus.values()).map(s -> s.code).toList();
  }
}
