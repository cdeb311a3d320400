package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.EventViews.Filter;
import com.clidecoder.hls.store.EventViews.RetryOutcome;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EventQueriesTest {
  private static final Instant NOW = Instant.parse("2025-03-31T12:00:00Z");

  @TempDir Path dir;
  Database db;
  Seed seed;
  EventQueries queries;

  @BeforeEach
  void open() {
    db = Database.open(TestConfigs.load(dir, "").hls().database());
    seed = new Seed(db);
    queries = new EventQueries(db, new EventStore(db));
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void listFiltersByStatusRepositoryAndTypeNewestFirst() {
    long a = seed.issue("octo/a", 1, "one", NOW.minusSeconds(30));
    long b = seed.issue("octo/b", 2, "two", NOW.minusSeconds(20));
    long c = seed.issue("octo/a", 3, "three", NOW.minusSeconds(10));
    seed.failed(c, "boom", NOW);

    assertEquals(List.of(c, b, a), ids(queries.list(Filter.latest(10))));
    assertEquals(List.of(c, a), ids(queries.list(new Filter(Optional.empty(), Optional.of("octo/a"), Optional.empty(), 10, Optional.empty()))));
    assertEquals(List.of(c), ids(queries.list(new Filter(Optional.of(EventStatus.FAILED), Optional.empty(), Optional.empty(), 10, Optional.empty()))));
    assertEquals(List.of(), ids(queries.list(new Filter(Optional.empty(), Optional.empty(), Optional.of("pull_request"), 10, Optional.empty()))));
    EventViews.Row failed = queries.list(Filter.latest(1)).events().get(0);
    assertEquals(Optional.of("boom"), failed.errorMessage());
    assertEquals(EventStatus.FAILED, failed.status());
  }

  @Test
  void pagesWithBeforeIdUntilTheLastPageHasNoNext() {
    List<Long> all = new ArrayList<>();
    for (int i = 1; i <= 5; i++) all.add(0, seed.issue("octo/a", i, "t" + i, NOW.plusSeconds(i)));
    EventViews.Page first = queries.list(Filter.latest(2));
    assertEquals(all.subList(0, 2), ids(first));
    assertEquals(Optional.of(all.get(1)), first.nextBeforeId());
    EventViews.Page second = queries.list(new Filter(Optional.empty(), Optional.empty(), Optional.empty(), 2, first.nextBeforeId()));
    assertEquals(all.subList(2, 4), ids(second));
    EventViews.Page last = queries.list(new Filter(Optional.empty(), Optional.empty(), Optional.empty(), 2, second.nextBeforeId()));
    assertEquals(all.subList(4, 5), ids(last));
    assertTrue(last.nextBeforeId().isEmpty());
  }

  @Test
  void rowCarriesTheLatestAnalysisAndDetailHasAllAnalysesAndActions() {
    long id = seed.issue("octo/a", 7, "Crash", NOW);
    seed.analysis(id, "old summary", "[\"question\"]", null, 0.01, NOW);
    seed.analysis(id, "It crashes on start", "[\"bug\",\"crash\"]", "Thanks, looking", 0.02, NOW.plusSeconds(1));
    seed.action(id, "label", "octo/a#7", "{\"labels\":[\"bug\"]}", "done", NOW.plusSeconds(2));
    seed.completed(id, NOW.plusSeconds(3));

    EventViews.Row row = queries.list(Filter.latest(1)).events().get(0);
    assertEquals(Optional.of("It crashes on start"), row.summary());
    assertEquals(List.of("bug", "crash"), row.labels());
    assertTrue(row.completedAt().isPresent());

    EventViews.Detail d = queries.detail(id).orElseThrow();
    assertTrue(d.payloadJson().contains("\"Crash\""));
    assertEquals(2, d.analyses().size());
    assertEquals(Optional.of("Thanks, looking"), d.analyses().get(1).comment());
    assertEquals(1000, d.analyses().get(1).inputTokens());
    assertEquals(Optional.of(0.9), d.analyses().get(1).confidence());
    assertEquals(1, d.actions().size());
    assertEquals("label", d.actions().get(0).kind());
    assertEquals(Optional.of("42"), d.actions().get(0).githubId());
    assertTrue(queries.detail(id + 100).isEmpty());
  }

  @Test
  void dailyFillsMissingDaysWithZerosOldestFirst() {
    seed.dailyCost(NOW.minus(Duration.ofDays(2)), 3, 0.5);
    seed.dailyCost(NOW, 1, 0.25);
    List<EventViews.Day> days = queries.daily(30, NOW);
    assertEquals(30, days.size());
    assertEquals("2025-03-02", days.get(0).date());
    assertEquals("2025-03-31", days.get(29).date());
    assertEquals(0.5, days.get(27).totalCostUsd());
    assertEquals(3, days.get(27).claudeAnalyses());
    assertEquals(0, days.get(28).claudeAnalyses());
    assertEquals(0.25, days.get(29).totalCostUsd());
  }

  @Test
  void requeueTakesOnlyFailedEvents() {
    long failed = seed.issue("octo/a", 1, "f", NOW);
    seed.failed(failed, "boom", NOW);
    long done = seed.issue("octo/a", 2, "d", NOW);
    seed.completed(done, NOW);

    assertEquals(RetryOutcome.REQUEUED, queries.requeue(failed, NOW).outcome());
    assertEquals(Optional.of(EventStatus.PENDING), new EventStore(db).statusOf(failed));
    EventViews.Retry notFailed = queries.requeue(done, NOW);
    assertEquals(RetryOutcome.NOT_FAILED, notFailed.outcome());
    assertEquals(Optional.of(EventStatus.COMPLETED), notFailed.status());
    assertEquals(RetryOutcome.NOT_FOUND, queries.requeue(9999, NOW).outcome());
  }

  @Test
  void purgeDeletesOldFinishedEventsWithTheirRowsAndKeepsDailyStatsAndEverythingElse() {
    Instant old = NOW.minus(Duration.ofDays(40));
    List<Long> oldDone = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long id = seed.issue("octo/a", i, "old" + i, old);
      seed.analysis(id, "s", "[]", null, 0.01, old);
      seed.action(id, "label", "octo/a#" + i, "{}", "done", old);
      if (i % 2 == 0) seed.completed(id, old); else seed.status(id, "skipped", old, old, "not analysed");
      oldDone.add(id);
    }
    long oldFailed = seed.issue("octo/a", 100, "old failed", old);
    seed.failed(oldFailed, "boom", old);
    long oldPending = seed.issue("octo/a", 101, "old pending", old);
    long recentDone = seed.issue("octo/a", 102, "recent", NOW.minus(Duration.ofDays(1)));
    seed.completed(recentDone, NOW.minus(Duration.ofDays(1)));
    long dailyRows = seed.count("SELECT COUNT(*) FROM daily_stats");

    List<long[]> progress = new ArrayList<>();
    long deleted = queries.purge(Duration.ofDays(30), NOW, 3, (soFar, total) -> progress.add(new long[] {soFar, total}));

    assertEquals(7, deleted);
    assertEquals(List.of(0L, 3L, 6L, 7L), progress.stream().map(p -> p[0]).toList());
    assertTrue(progress.stream().allMatch(p -> p[1] == 7));
    assertEquals(3, seed.count("SELECT COUNT(*) FROM webhook_events"));
    assertEquals(0, seed.count("SELECT COUNT(*) FROM claude_analyses"));
    assertEquals(0, seed.count("SELECT COUNT(*) FROM github_actions"));
    assertEquals(dailyRows, seed.count("SELECT COUNT(*) FROM daily_stats"));
    assertTrue(queries.detail(oldFailed).isPresent());
    assertTrue(queries.detail(oldPending).isPresent());
    assertTrue(queries.detail(recentDone).isPresent());
    assertFalse(queries.detail(oldDone.get(0)).isPresent());
    assertEquals(0, queries.purge(Duration.ofDays(30), NOW, 3, (s, t) -> {}));
  }

  @Test
  void filterRejectsLimitsOutsideTheRange() {
    assertThrows(IllegalArgumentException.class, () -> Filter.latest(0));
    assertThrows(IllegalArgumentException.class, () -> Filter.latest(Filter.MAX_LIMIT + 1));
  }

  private static List<Long> ids(EventViews.Page page) {
    return page.events().stream().map(EventViews.Row::id).toList();
  }
}
