package com.clidecoder.hls.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The embedded defaults are the values CONTRACT.md promises a bare install. */
class ConfigDefaultsTest {
  private final HlsConfig c = ConfigLoader.defaults().hls();

  @Test
  void serverAndDatabaseDefaults() {
    assertEquals("127.0.0.1", c.server().host());
    assertEquals(8001, c.server().port());
    assertEquals("/webhook", c.server().webhookPath());
    assertEquals(26_214_400L, c.server().maxPayloadBytes(), "25 MiB, GitHub's cap");
    assertEquals(Path.of("data/webhooks.db"), c.database().path());
    assertEquals(Duration.ofSeconds(5), c.database().busyTimeout());
    assertEquals(Optional.empty(), c.sourceFile());
  }

  @Test
  void githubDefaults() {
    assertEquals(URI.create("https://api.github.com"), c.github().apiUrl());
    assertEquals(Optional.empty(), c.github().token());
    assertEquals(Optional.empty(), c.github().webhookSecret());
    assertFalse(c.github().dryRun());
    assertTrue(c.github().effectiveDryRun(), "dry-run is forced without a token");
    assertEquals(Duration.ofSeconds(1), c.github().writeInterval());
    assertEquals(Optional.empty(), c.github().botLogin());
  }

  @Test
  void claudeDefaults() {
    assertEquals(URI.create("https://api.anthropic.com"), c.claude().apiUrl());
    assertEquals(Optional.empty(), c.claude().apiKey());
    assertTrue(c.claude().offline());
    assertEquals("claude-sonnet-4-5", c.claude().model());
    assertEquals(4000, c.claude().maxTokens());
    assertEquals(HlsConfig.OutputMode.JSON_SCHEMA, c.claude().outputMode());
    assertEquals(10.0, c.claude().dailyBudgetUsd());
    assertEquals(new HlsConfig.Price(3.0, 15.0), c.claude().priceOf("claude-sonnet-4-5"));
    assertEquals(c.claude().priceOf("default"), c.claude().priceOf("a-model-nobody-priced"));
  }

  @Test
  void workerDefaults() {
    HlsConfig.Workers w = c.workers();
    assertEquals(4, w.maxConcurrentAnalyses());
    assertEquals(5, w.maxRetries());
    assertEquals(Duration.ofSeconds(10), w.backoffMin());
    assertEquals(Duration.ofMinutes(10), w.backoffMax());
    assertEquals(0.2, w.randomFactor());
    assertEquals(Duration.ofSeconds(5), w.pollInterval());
    assertEquals(Duration.ofMinutes(5), w.leaseTimeout());
  }

  @Test
  void adminApiFeatureAndLoggingDefaults() {
    assertEquals(Optional.empty(), c.admin().token());
    assertFalse(c.api().publicRead());
    assertTrue(c.features().signatureValidation());
    assertEquals(Optional.empty(), c.signatureSecret(), "no secret, nothing to check against");
    assertEquals("INFO", c.logging().level());
    assertEquals(Path.of("logs/hls.log"), c.logging().file());
  }

  @Test
  void oneCatchAllRepositoryRuleHandlesTheFourEventTypes() {
    List<RepositoryRule> rules = c.repositories().rules();
    assertEquals(1, rules.size());
    RepositoryRule all = rules.get(0);
    assertEquals("*", all.name());
    assertTrue(all.enabled());
    assertEquals(Set.of("issues", "pull_request", "pull_request_review", "workflow_run"), all.events());
    assertTrue(all.labels().autoApply());
    assertTrue(all.comments().autoPost());
    assertEquals(Optional.of(all), c.repositories().match("anyone/anything"));
    assertEquals(Map.of("issues", Set.of("opened", "reopened")),
        Map.of("issues", c.analysis().actions().get("issues")));
  }
}
