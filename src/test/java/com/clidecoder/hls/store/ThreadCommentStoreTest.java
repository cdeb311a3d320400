package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.clidecoder.hls.domain.ActionStatus;
import com.clidecoder.hls.domain.PlannedAction;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** thread_comments follows the github_actions rows that posted or edited a thread's comment. */
class ThreadCommentStoreTest {
  @TempDir Path dir;
  private Database db;
  private ActionStore actions;
  private Seed seed;

  @BeforeEach
  void open() {
    db = StoreFixture.open(dir);
    actions = new ActionStore(db);
    seed = new Seed(db);
  }

  @AfterEach
  void close() {
    db.close();
  }

  @Test
  void aDoneLiveCommentBecomesTheThreadsCommentAndALaterOneReplacesIt() {
    Instant now = Instant.parse("2025-03-03T10:00:00Z");
    long first = seed.issue("o/r", 4, "t", now);
    long second = seed.issue("o/r", 4, "t", now);
    PlannedAction comment = PlannedAction.comment("o/r", 4, "analysis");
    actions.plan(first, comment, now);
    assertEquals(Optional.empty(), actions.threadComment("o/r#4"), "planned is not done");

    actions.record(first, comment, ActionStatus.DONE, false, null, "101", now);
    assertEquals(Optional.of("101"), actions.threadComment("o/r#4"));
    actions.record(second, comment, ActionStatus.DONE, false, null, "102", now);
    assertEquals(Optional.of("102"), actions.threadComment("o/r#4"));
    assertEquals(second, StoreFixture.longValue(db, "SELECT event_id FROM thread_comments WHERE target = 'o/r#4'"));
  }

  @Test
  void dryRunsLabelsAndFailuresKeepNoThreadComment() {
    Instant now = Instant.parse("2025-03-03T10:00:00Z");
    long id = seed.issue("o/r", 5, "t", now);
    actions.record(id, PlannedAction.comment("o/r", 5, "x"), ActionStatus.DONE, true, null, null, now);
    actions.record(id, PlannedAction.comment("o/r", 6, "x"), ActionStatus.FAILED, false, "GitHub 422", null, now);
    actions.record(id, PlannedAction.labels("o/r", 7, List.of("bug")), ActionStatus.DONE, false, null, "9", now);
    assertEquals(0, StoreFixture.longValue(db, "SELECT count(*) FROM thread_comments"));
  }
}
