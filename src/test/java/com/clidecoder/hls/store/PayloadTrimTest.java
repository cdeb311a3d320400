package com.clidecoder.hls.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.testkit.Payloads;
import com.clidecoder.hls.testkit.TestConfigs;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payloads go first (hls.database.payload-retention): old completed and skipped events keep only what
 * the list and detail show, failed ones keep everything for a retry, and a run reads only rows that
 * became old enough since the last.
 */
class PayloadTrimTest {
  private static final String BODY = "A long report. ".repeat(400);
  private final Instant now = Instant.now();
  private final Instant old = now.minus(Duration.ofDays(45));

  @Test
  void oldCompletedAndSkippedPayloadsKeepOnlyWhatIsShown(@TempDir Path dir) throws Exception {
    HlsConfig config = TestConfigs.load(dir, "").hls();
    assertEquals(Duration.ofDays(30), config.database().payloadRetention(), "the default");
    try (Database db = Database.open(config.database())) {
      Seed seed = new Seed(db);
      long done = issue(seed, 1, old);
      seed.completed(done, old);
      long pr = seed.held(new NewDelivery("pr-2", "pull_request", "o/r", "opened",
          Payloads.pullRequest("o/r", 2, "opened", "Add a flag", BODY), null, 0), old);
      seed.status(pr, "skipped", old, old, "skipped: draft");
      long failed = issue(seed, 3, old);
      seed.failed(failed, "GitHub: 404", old);
      long recent = issue(seed, 4, now);
      seed.completed(recent, now);
      long before = fileBytes(db, done);

      Retention retention = new Retention(db);
      assertEquals(2, retention.trimPayloads(now.minus(Duration.ofDays(30)), now));

      JsonNode trimmed = payload(db, done);
      assertTrue(trimmed.path("hls_trimmed").asBoolean(), trimmed.toString());
      assertEquals("Crash on start", trimmed.path("issue").path("title").asText());
      assertEquals(1, trimmed.path("issue").path("number").asInt());
      assertEquals("https://github.com/o/r/issues/1", trimmed.path("issue").path("html_url").asText());
      assertEquals("o/r", trimmed.path("repository").path("full_name").asText());
      assertEquals("octocat", trimmed.path("sender").path("login").asText());
      assertFalse(trimmed.path("issue").has("body"), "the body is gone");
      assertTrue(fileBytes(db, done) < before / 10, "trimmed to " + fileBytes(db, done) + " of " + before + " bytes");
      JsonNode prTrimmed = payload(db, pr);
      assertTrue(prTrimmed.path("pull_request").path("draft").isBoolean(), "types kept: " + prTrimmed);
      assertEquals("Add a flag", prTrimmed.path("pull_request").path("title").asText());

      assertEquals(BODY, payload(db, failed).path("issue").path("body").asText(), "failed keeps it for bin/hls retry");
      assertEquals(BODY, payload(db, recent).path("issue").path("body").asText(), "recent keeps it");
      EventViews.Row row = new EventQueries(db, new EventStore(db)).list(
          new EventViews.Filter(Optional.of(EventStatus.COMPLETED), Optional.empty(), Optional.empty(), 50, Optional.empty()))
          .events().stream().filter(r -> r.id() == done).findFirst().orElseThrow();
      assertEquals(Optional.of("Crash on start"), row.subject().title(), "the list still shows the title");
      assertEquals(Optional.of("https://github.com/o/r/issues/1"), row.subject().url());

      PayloadTrim.LastRun last = retention.lastPayloadTrim().orElseThrow();
      assertEquals(2, last.trimmed());
      assertEquals(now.minus(Duration.ofDays(30)).toEpochMilli(), last.trimmedBefore().toEpochMilli());
    }
  }

  @Test
  void aRunReadsOnlyWhatBecameOldSinceTheLastAndTrimsNothingTwice(@TempDir Path dir) {
    HlsConfig config = TestConfigs.load(dir, "").hls();
    try (Database db = Database.open(config.database())) {
      Seed seed = new Seed(db);
      long first = issue(seed, 1, old);
      seed.completed(first, old);
      Retention retention = new Retention(db);
      assertEquals(1, retention.trimPayloads(now.minus(Duration.ofDays(30)), now));
      assertEquals(0, retention.trimPayloads(now.minus(Duration.ofDays(30)), now), "nothing new");

      // An event that finished behind the watermark (written straight into the file) is not looked at
      // again: the watermark is what keeps a daily run from reading the whole table.
      long behind = issue(seed, 2, old.minus(Duration.ofDays(1)));
      seed.completed(behind, old.minus(Duration.ofDays(1)));
      long next = issue(seed, 3, now.minus(Duration.ofDays(29)));
      seed.completed(next, now.minus(Duration.ofDays(29)));
      assertEquals(1, retention.trimPayloads(now.plus(Duration.ofDays(2)).minus(Duration.ofDays(30)), now.plus(Duration.ofDays(2))));
      assertTrue(payload(db, next).path("hls_trimmed").asBoolean());
      assertFalse(payload(db, behind).has("hls_trimmed"));
    }
  }

  @Test
  void badValuesNameTheKey(@TempDir Path dir) {
    var e = org.junit.jupiter.api.Assertions.assertThrows(com.clidecoder.hls.config.ConfigProblems.class,
        () -> TestConfigs.load(dir, "hls.database.payload-retention = 12h"));
    assertTrue(e.getMessage().contains("hls.database.payload-retention") && e.getMessage().contains("whole days"),
        e.getMessage());
    assertEquals(Duration.ZERO, TestConfigs.load(dir, "hls.database.payload-retention = 0").hls().database().payloadRetention());
  }

  private static long issue(Seed seed, int number, Instant at) {
    return seed.held(new NewDelivery("d-" + number, "issues", "o/r", "opened",
        Payloads.issue("o/r", number, "opened", "Crash on start", BODY), null, 0), at);
  }

  private static JsonNode payload(Database db, long id) {
    return db.read(c -> {
      try (var s = c.prepareStatement("SELECT payload_json FROM webhook_events WHERE id = ?")) {
        s.setLong(1, id);
        try (var rs = s.executeQuery()) {
          rs.next();
          return Json.MAPPER.readTree(rs.getString(1));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalStateException(e);
        }
      }
    });
  }

  private static long fileBytes(Database db, long id) {
    return db.read(c -> {
      try (var s = c.prepareStatement("SELECT length(payload_json) FROM webhook_events WHERE id = ?")) {
        s.setLong(1, id);
        try (var rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }
}
