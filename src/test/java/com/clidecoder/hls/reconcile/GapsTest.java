package com.clidecoder.hls.reconcile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.HookDelivery;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.ReconcileStore;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Gap finding over a real SQLite file with the real migrations (009 adds the reconciler's tables). */
class GapsTest {
  private static final Set<String> HANDLED = Set.of("issues", "pull_request");
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  private static HookDelivery d(long id, String guid, Duration ago, String event, int status) {
    return new HookDelivery(id, guid, NOW.minus(ago), false, event, "opened", status);
  }

  @Test
  void thirtyDeliveriesTenFailedAndUnseenGiveExactlyThoseTenThenNothingOnceAsked(@TempDir Path dir) {
    HlsConfig config = TestConfigs.load(dir, "").hls();
    List<HookDelivery> listed = new ArrayList<>();
    List<String> lost = new ArrayList<>();
    try (Database db = Database.open(config.database())) {
      ReconcileStore store = new ReconcileStore(db);
      for (int i = 1; i <= 30; i++) {
        String guid = "guid-" + i;
        boolean failed = i % 3 == 0;
        listed.add(d(i, guid, Duration.ofMinutes(60 - i), "issues", failed ? 502 : 202));
        if (failed) lost.add(guid);
        else store.recordSeen(guid, "queued", NOW);
      }
      List<HookDelivery> gaps = Gaps.find(listed, HANDLED, NOW.minus(Duration.ofHours(24)), store::known, 50);
      assertEquals(lost, gaps.stream().map(HookDelivery::guid).toList());
      for (HookDelivery g : gaps) assertTrue(store.recordAsked(g.guid(), g.id(), NOW));
      assertFalse(store.recordAsked("guid-3", 3, NOW), "a guid is asked for once");
    }
    // a restart on the same file asks for nothing
    try (Database db = Database.open(config.database())) {
      ReconcileStore store = new ReconcileStore(db);
      assertEquals(List.of(), Gaps.find(listed, HANDLED, NOW.minus(Duration.ofHours(24)), store::known, 50));
    }
  }

  @Test
  void latestAttemptOfAGuidDecidesAndLookbackEventTypeAndMaxBound(@TempDir Path dir) {
    HlsConfig config = TestConfigs.load(dir, "").hls();
    try (Database db = Database.open(config.database())) {
      ReconcileStore store = new ReconcileStore(db);
      List<HookDelivery> listed = List.of(
          d(1, "a", Duration.ofHours(2), "issues", 500),
          d(2, "a", Duration.ofHours(1), "issues", 200), // redelivered fine: no gap
          d(3, "b", Duration.ofHours(2), "issues", 200),
          d(4, "b", Duration.ofHours(1), "issues", 0), // last attempt got no answer: gap
          d(5, "c", Duration.ofHours(30), "issues", 500), // before the lookback
          d(6, "e", Duration.ofHours(3), "push", 500), // not an event HLS handles
          d(7, "f", Duration.ofHours(3), "pull_request", 503),
          d(8, "g", Duration.ofHours(4), "pull_request", 503));
      Instant since = NOW.minus(Duration.ofHours(24));
      assertEquals(List.of("g", "f", "b"),
          Gaps.find(listed, HANDLED, since, store::known, 50).stream().map(HookDelivery::guid).toList());
      assertEquals(List.of("g", "f"),
          Gaps.find(listed, HANDLED, since, store::known, 2).stream().map(HookDelivery::guid).toList());
      store.recordSeen("f", "ignored", NOW);
      assertEquals(List.of("g", "b"),
          Gaps.find(listed, HANDLED, since, store::known, 50).stream().map(HookDelivery::guid).toList());
    }
  }
}
