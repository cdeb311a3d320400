package com.clidecoder.hls.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.app.Version;
import com.clidecoder.hls.cli.CliHarness;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the dashboard and {@code bin/hls events} show of each event, from the management API of a real
 * service on its embedded defaults (offline analyst, dry-run): the decision (planned labels and
 * comment, or an abstention and why), the title, number and GitHub link, the service's modes, and the
 * status and repository filters with paging.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DecisionApiTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private RunningService svc;
  private long crash;
  private long typo;
  private long other;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    // Dry-run cannot read a repository's labels, so only labels.allowed ones are planned: octo-org/app
    // allows bug, octo-org/docs-site only documentation.
    svc = new RunningService(dir, """
        hls.workers.poll-interval = 200ms
        hls.repositories = [
          { name = "octo-org/app", labels { auto-apply = true, allowed = [bug] } }
          { name = "octo-org/docs-site", labels { auto-apply = true, allowed = [documentation] } }
        ]""");
    crash = svc.deliverIssue("crash-1", "octo-org/app", 41, "App crashes with NullPointerException on startup",
        "Since 2.3.0 the app crashes right after launch. Stack trace: java.lang.NullPointerException at"
            + " com.example.Main.start(Main.java:42). Steps to reproduce: install 2.3.0, launch. Expected: it starts.");
    typo = svc.deliverIssue("typo-1", "octo-org/docs-site", 57, "Spelling error in the README",
        "In the README, under \"Getting started\", the second paragraph says \"recieve\" instead of \"receive\".");
    other = svc.deliverIssue("other-1", "octo-org/docs-site", 58, "Crash when saving a file",
        "The editor crashes with a segmentation fault when I save a file larger than 2 GB. Steps: open, save. Expected: saved.");
    for (long id : List.of(crash, typo, other)) svc.awaitCompleted(id);
  }

  @AfterAll
  void stop() {
    svc.close();
  }

  @Test
  void aLabelledIssueShowsItsPlannedDryRunActionsInTheListAndTheDetail() throws Exception {
    JsonNode row = row(crash);
    JsonNode decision = row.path("decision");
    assertEquals("planned", decision.path("outcome").asText(), row.toString());
    assertTrue(decision.path("dry_run").asBoolean(), "no token: dry run: " + decision);
    assertTrue(decision.path("comment").asBoolean(), decision.toString());
    assertFalse(decision.path("labels").isEmpty(), "the offline model labels a crash report: " + decision);
    String text = decision.path("text").asText();
    assertTrue(text.startsWith("planned labels ") && text.contains("(dry run)") && text.contains("comment "), text);

    JsonNode detail = json(svc.get("/api/events/" + crash));
    assertEquals(decision.path("outcome"), detail.path("decision").path("outcome"));
    assertEquals(decision, detail.path("decision"), "one decision, list and detail");
    assertEquals("[\"bug\"]", decision.path("labels").toString());
  }

  @Test
  void aLabelThePolicyRefusedIsNotShownAsPlanned() throws Exception {
    JsonNode decision = row(other).path("decision");
    assertEquals("bug", analysisLabels(other), "the analysis proposed bug");
    assertEquals(0, decision.path("labels").size(), "docs-site allows only documentation: " + decision);
    String text = decision.path("text").asText();
    assertTrue(text.startsWith("planned a comment") && text.contains("refused by policy"), text);
    assertEquals(decision, json(svc.get("/api/events/" + other)).path("decision"), "one decision, list and detail");
  }

  @Test
  void anAbstainingAnalysisSaysWhyAndThatNothingIsPlanned() throws Exception {
    JsonNode decision = row(typo).path("decision");
    assertEquals("abstained", decision.path("outcome").asText(), decision.toString());
    assertTrue(decision.path("reason").asText().contains("min-confidence"), decision.toString());
    assertEquals(0, decision.path("labels").size(), decision.toString());
    assertFalse(decision.path("comment").asBoolean(), decision.toString());
    assertTrue(decision.path("text").asText().endsWith("no label, no comment"), decision.toString());
  }

  @Test
  void binHlsEventsShowSaysTheSameDecision() {
    CliHarness.Run planned = CliHarness.run(java.util.Map.of("HLS_URL", svc.url()), "events", "show", Long.toString(crash));
    assertEquals(0, planned.exit(), planned.err());
    assertTrue(planned.out().lines().anyMatch(l -> l.contains("decision") && l.contains("planned labels bug and a comment (dry run)")),
        planned.out());
    CliHarness.Run abstained = CliHarness.run(java.util.Map.of("HLS_URL", svc.url()), "events", "show", Long.toString(typo));
    assertTrue(abstained.out().lines().anyMatch(l -> l.contains("decision") && l.contains("abstained: ")
        && l.contains("no label, no comment")), abstained.out());
  }

  @Test
  void rowsCarryTitleNumberAndTheirGitHubLink() throws Exception {
    JsonNode row = row(typo);
    assertEquals("Spelling error in the README", row.path("title").asText());
    assertEquals(57, row.path("number").asInt());
    assertEquals("https://github.com/octo-org/docs-site/issues/57", row.path("url").asText());
  }

  @Test
  void infoNamesVersionUptimeAndModes() throws Exception {
    JsonNode info = json(svc.get("/api/info"));
    assertEquals(Version.current(), info.path("version").asText());
    assertTrue(info.path("uptime_seconds").asLong(-1) >= 0, info.toString());
    assertEquals("dry-run", info.path("github").asText());
    assertEquals("offline", info.path("analyst").asText());
    assertTrue(info.path("model").isNull(), "no Anthropic model offline: " + info);
  }

  @Test
  void repositoryAndStatusFiltersAndPagingWalkTheList() throws Exception {
    List<Long> docs = ids(json(svc.get("/api/events?repo=octo-org/docs-site")));
    assertEquals(List.of(other, typo), docs, "newest first, one repository");
    assertEquals(List.of(), ids(json(svc.get("/api/events?status=failed"))));
    JsonNode first = json(svc.get("/api/events?limit=2"));
    assertEquals(List.of(other, typo), ids(first));
    JsonNode second = json(svc.get("/api/events?limit=2&before_id=" + first.path("next_before_id").asLong()));
    assertEquals(List.of(crash), ids(second));
    assertTrue(second.path("next_before_id").isNull(), second.toString());
    HttpResponse<String> bad = svc.get("/api/events?status=finished");
    assertEquals(400, bad.statusCode());
    assertTrue(json(bad).path("reason").asText().contains("status must be one of"), bad.body());
  }

  private JsonNode row(long id) throws Exception {
    for (JsonNode e : json(svc.get("/api/events?limit=50")).path("events")) {
      if (e.path("id").asLong() == id) return e;
    }
    throw new AssertionError("event " + id + " is not listed");
  }

  private String analysisLabels(long id) throws Exception {
    JsonNode analyses = json(svc.get("/api/events/" + id)).path("analyses");
    List<String> out = new ArrayList<>();
    analyses.get(analyses.size() - 1).path("labels").forEach(l -> out.add(l.asText()));
    return String.join(",", out);
  }

  private static List<Long> ids(JsonNode page) {
    List<Long> out = new ArrayList<>();
    page.path("events").forEach(e -> out.add(e.path("id").asLong()));
    return out;
  }

  private static JsonNode json(HttpResponse<String> r) throws Exception {
    return JSON.readTree(r.body());
  }
}
