package com.clidecoder.hls.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RepositoryRulesTest {
  @TempDir Path dir;

  private RepositoryRules rules(String entries) {
    return TestConfigs.load(dir, "hls.repositories = [" + entries + "]").hls().repositories();
  }

  @Test
  void commentsOnDefaultsToTheAnalysedActionsButPushes() {
    RepositoryRules r = rules("""
        { name = "o/default" }, { name = "o/few", comments { on = [opened] } }""");

    Set<String> defaults = r.match("o/default").orElseThrow().comments().on();
    assertEquals(Set.of("opened", "reopened", "ready_for_review", "submitted", "completed"), defaults);
    assertEquals(Set.of("opened"), r.match("o/few").orElseThrow().comments().on());
  }

  @Test
  void defaultAnalyzeLeavesPushesAndEditsOut() {
    HlsConfig hls = TestConfigs.load(dir, "").hls();
    assertEquals(Set.of("opened", "reopened", "ready_for_review"), hls.analysis().actions().get("pull_request"));
    assertEquals(Set.of("opened", "reopened"), hls.analysis().actions().get("issues"));
    Set<String> starEntry = hls.repositories().match("any/repo").orElseThrow().comments().on();
    assertEquals(EventActions.DEFAULT_COMMENT_ON, starEntry, "reference.conf and the code agree");
  }

  @Test
  void theMostSpecificRuleWinsWhateverTheOrder() {
    RepositoryRules r = rules("""
        { name = "acme/api", events = [issues] },
        { name = "*", events = [workflow_run] },
        { name = "acme/*", events = [pull_request] }""");

    assertEquals("acme/api", r.match("acme/api").orElseThrow().name());
    assertEquals("acme/*", r.match("acme/web").orElseThrow().name());
    assertEquals("*", r.match("other/api").orElseThrow().name());
  }

  @Test
  void matchingIgnoresCase() {
    RepositoryRules r = rules("""
        { name = "Acme/API" }, { name = "acme/*", enabled = false }""");

    assertEquals("Acme/API", r.match("acme/api").orElseThrow().name());
    assertEquals("acme/*", r.match("ACME/Web").orElseThrow().name());
  }

  @Test
  void anOwnerWildcardMatchesOnlyThatOwner() {
    RepositoryRules r = rules("{ name = \"acme/*\" }");

    assertTrue(r.match("acme/x").isPresent());
    assertEquals(Optional.empty(), r.match("acmecorp/x"));
    assertEquals(Optional.empty(), r.match("other/acme"));
  }

  @Test
  void anEntryWithOnlyANameTakesTheDocumentedDefaults() {
    RepositoryRule rule = rules("{ name = \"o/r\" }").match("o/r").orElseThrow();

    assertTrue(rule.enabled());
    assertEquals(Set.copyOf(HlsConfig.HANDLED_EVENTS), rule.events());
    assertTrue(rule.labels().autoApply());
    assertEquals(List.of(), rule.labels().allowed());
    assertTrue(rule.comments().autoPost());
    assertEquals(Optional.empty(), rule.analyze());
  }

  @Test
  void everyFieldOfAnEntryIsRead() {
    RepositoryRule rule = rules("""
        { name = "o/r", enabled = false, events = [issues, workflow_run],
          labels { auto-apply = false, allowed = [bug, triage], map { feature = enhancement } },
          comments { auto-post = false },
          analyze { issues = [opened] } }""").match("o/r").orElseThrow();

    assertFalse(rule.enabled());
    assertEquals(Set.of("issues", "workflow_run"), rule.events());
    assertEquals(new RepositoryRule.Labels(false, List.of("bug", "triage"), Map.of("feature", "enhancement")), rule.labels());
    assertFalse(rule.comments().autoPost());
    assertEquals(Optional.of(Map.of("issues", Set.of("opened"))), rule.analyze());
  }

  @Test
  void noRuleMeansNotConfigured() {
    assertEquals(Optional.empty(), rules("{ name = \"o/r\" }").match("o/other"));
  }
}
