package com.clidecoder.hls.triage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.Secret;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class GitHubIssueSourceTest {
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
  private final List<Duration> slept = new ArrayList<>();
  private final List<String> progress = new ArrayList<>();

  private GitHubIssueSource source(FakeGitHub fake, Optional<Secret> token) {
    return new GitHubIssueSource(fake.url(), token, Duration.ofSeconds(5), slept::add, Clock.fixed(NOW, ZoneOffset.UTC), progress::add);
  }

  private static Map<String, String> types() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("bug", "bug");
    m.put("feature", "enhancement");
    return m;
  }

  @Test
  void followsLinkPagesSkipsPullRequestsAndAmbiguousIssues() throws Exception {
    try (FakeGitHub fake = new FakeGitHub(2)) {
      for (int n = 1; n <= 5; n++) fake.issue(n, "crash " + n, "stack " + n, false, "bug", "P1");
      fake.issue(6, "fix crash", "a pull request", true, "bug");
      fake.issue(7, "crash or wish?", "both labels", false, "bug", "enhancement");
      fake.issue(8, "add an option", null, false, "enhancement", "good first issue");
      fake.issue(9, "add export", "please", false, "enhancement");
      List<LabelledIssue> issues = source(fake, Optional.of(Secret.of("test-gh-test"))).fetch("o/r", types(), 100);

      assertEquals(List.of(1L, 2L, 3L, 4L, 5L), issues.stream().filter(i -> i.label().equals("bug")).map(i -> Long.parseLong(i.title().substring(6))).toList());
      assertEquals(List.of("add an option", "add export"), issues.stream().filter(i -> i.label().equals("feature")).map(LabelledIssue::title).toList(),
          "issue 7 carries two types and is left out");
      assertEquals("", issues.stream().filter(i -> i.title().equals("add an option")).findFirst().orElseThrow().body(), "a null body is empty");
      assertTrue(issues.stream().allMatch(i -> i.repo().equals("o/r")));
      long bugPages = fake.received.stream().filter(r -> r.pathAndQuery().contains("labels=bug")).count();
      assertEquals(4, bugPages, "7 bug-labelled items at 2 per page: pages 1 to 4 via Link rel=next");
      assertTrue(fake.received.get(0).pathAndQuery().startsWith("/api/v3/repos/o/r/issues?state=closed&per_page=100&labels=bug"));
      assertTrue(fake.received.stream().anyMatch(r -> r.pathAndQuery().contains("labels=enhancement")));
      assertTrue(fake.received.stream().allMatch(r -> "Bearer test-gh-test".equals(r.authorization())));
      assertTrue(slept.isEmpty());
    }
  }

  @Test
  void stopsAtTheLimitPerType() throws Exception {
    try (FakeGitHub fake = new FakeGitHub(2)) {
      for (int n = 1; n <= 9; n++) fake.issue(n, "crash " + n, "", false, "bug");
      List<LabelledIssue> issues = source(fake, Optional.empty()).fetch("o/r", Map.of("bug", "bug"), 3);
      assertEquals(3, issues.size());
      assertEquals(2, fake.received.size(), "two pages hold three issues; the third page is never asked for");
      assertTrue(fake.received.stream().allMatch(r -> r.authorization() == null), "no token, no Authorization header");
    }
  }

  @Test
  void waitsForTheRateLimitResetAndRetryAfterThenCarriesOn() throws Exception {
    try (FakeGitHub fake = new FakeGitHub(100)) {
      fake.issue(1, "crash", "", false, "bug");
      long reset = NOW.plusSeconds(30).getEpochSecond();
      fake.answerNext(new FakeGitHub.Canned(403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)),
          "{\"message\":\"API rate limit exceeded\"}"));
      fake.answerNext(new FakeGitHub.Canned(429, Map.of("retry-after", "7"), "{\"message\":\"secondary rate limit\"}"));
      fake.answerNext(new FakeGitHub.Canned(502, Map.of(), "bad gateway"));
      List<LabelledIssue> issues = source(fake, Optional.empty()).fetch("o/r", Map.of("bug", "bug"), 10);
      assertEquals(1, issues.size());
      assertEquals(List.of(Duration.ofSeconds(31), Duration.ofSeconds(7), Duration.ofSeconds(8)), slept,
          "reset + 1 s, then retry-after, then backoff for the 5xx (2^3 s after the third attempt)");
      assertEquals(4, fake.received.size());
    }
  }

  @Test
  void aMissingRepositoryFailsAtOnceWithoutRetrying() throws Exception {
    try (FakeGitHub fake = new FakeGitHub(100)) {
      fake.answerNext(new FakeGitHub.Canned(404, Map.of(), "{\"message\":\"Not Found\"}"));
      IOException e = assertThrows(IOException.class, () -> source(fake, Optional.of(Secret.of("test-gh-secret"))).fetch("o/missing", Map.of("bug", "bug"), 10));
      assertTrue(e.getMessage().contains("404"), e.getMessage());
      assertTrue(!e.getMessage().contains("test-gh-secret"), "the token never appears in errors");
      assertEquals(1, fake.received.size());
      assertTrue(slept.isEmpty());
    }
  }

  @Test
  void aResetTooFarAwayFailsInsteadOfHanging() throws Exception {
    try (FakeGitHub fake = new FakeGitHub(100)) {
      long reset = NOW.plus(Duration.ofHours(1)).getEpochSecond();
      fake.answerNext(new FakeGitHub.Canned(403, Map.of("x-ratelimit-remaining", "0", "x-ratelimit-reset", Long.toString(reset)), "{}"));
      IOException e = assertThrows(IOException.class, () -> source(fake, Optional.empty()).fetch("o/r", Map.of("bug", "bug"), 10));
      assertTrue(e.getMessage().contains("rate limit"), e.getMessage());
      assertTrue(slept.isEmpty());
    }
  }
}
