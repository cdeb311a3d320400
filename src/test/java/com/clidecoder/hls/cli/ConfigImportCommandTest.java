package com.clidecoder.hls.cli;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static com.clidecoder.hls.testkit.TextAssertions.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.testkit.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bin/hls config import}: the seed's settings.yaml becomes HOCON that config check accepts, every value kept. */
class ConfigImportCommandTest {
  private static final Map<String, String> SECRETS =
      Map.of("GITHUB_TOKEN", "test-gh-fromTheEnvironment", "ANTHROPIC_API_KEY", "test-ant-fromTheEnvironment",
          "HLS_WEBHOOK_SECRET", "existing-system-integration");

  @TempDir Path dir;

  /** The seed's own file, as it sits in ../shared/seed. */
  @Test
  void theSeedsSettingsPassConfigCheckAndKeepEverySetting() throws Exception {
    Path seed = SharedFixtures.dir().resolve("seed/settings.yaml");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(seed), "../shared/seed/settings.yaml is absent: skipping");
    Path out = dir.resolve("hls.conf");

    CliHarness.Run run = CliHarness.run(Map.of(), "config", "import", seed.toString(), "--out", out.toString());

    assertEquals(0, run.exit(), run.err());
    assertSeedValues(out, run);
  }

  /** The same file written here, so a clone without ../shared covers the same mapping. */
  @Test
  void aSeedShapedFileWrittenHereKeepsEverySetting() throws Exception {
    Path yaml = dir.resolve("settings.yaml");
    Files.writeString(yaml, SEED_SHAPED);
    Path out = dir.resolve("hls.conf");

    CliHarness.Run run = CliHarness.run(Map.of(), "config", "import", yaml.toString(), "--out", out.toString());

    assertEquals(0, run.exit(), run.err());
    assertSeedValues(out, run);
  }

  private void assertSeedValues(Path out, CliHarness.Run run) {
    CliHarness.Run check = CliHarness.run(SECRETS, "config", "check", "--quiet", "--config", out.toString());
    assertEquals(0, check.exit(), check.err());

    HlsConfig c = ConfigLoader.load(Optional.of(out), SECRETS).hls();
    assertEquals("127.0.0.1", c.server().host());
    assertEquals(8001, c.server().port());
    assertEquals("/hls-api", c.server().webhookPath());
    assertEquals("test-gh-fromTheEnvironment", c.github().token().orElseThrow().reveal());
    assertEquals("existing-system-integration", c.github().webhookSecret().orElseThrow().reveal());
    assertEquals("test-ant-fromTheEnvironment", c.claude().apiKey().orElseThrow().reveal());
    assertEquals("claude-3-5-sonnet-20241022", c.claude().model());
    assertEquals(4000, c.claude().maxTokens());
    assertFalse(c.features().signatureValidation());
    assertEquals(Path.of("/home/clide/hls/data/webhooks.db"), c.database().path());
    assertEquals("INFO", c.logging().level());
    assertEquals(Path.of("/home/clide/hls/logs/hls.log"), c.logging().file());
    List<RepositoryRule> rules = c.repositories().rules();
    assertEquals(1, rules.size());
    RepositoryRule rule = rules.get(0);
    assertEquals("*", rule.name(), "the seed's placeholder name stands for every repository");
    assertTrue(rule.enabled());
    assertEquals(Set.of("issues", "pull_request", "pull_request_review", "workflow_run"), rule.events());
    assertTrue(rule.labels().autoApply());
    assertTrue(rule.comments().autoPost());
    assertEquals("enhancement", rule.labels().map().get("feature"));

    assertNotContains(readString(out), "existing-system-integration");
    assertNotContains(run.out() + run.err(), "existing-system-integration");
    assertContains(run.err(), "github.webhook_secret had a literal value", "HLS_WEBHOOK_SECRET", "your-repo-here");
    assertContains(readString(out), "${?GITHUB_TOKEN}", "${?ANTHROPIC_API_KEY}", "${?HLS_WEBHOOK_SECRET}",
        "async_processing", "auto_labeling");
  }

  @Test
  void keysWithoutCounterpartAreCommentsNamedOnStderrAndAutoLabelingOffTurnsLabelsOff() throws Exception {
    Path yaml = dir.resolve("settings.yaml");
    Files.writeString(yaml, """
        server:
          port: 8123
          workers: 3
        github:
          token: "test-gh-literalTokenValue"
          app_private_key: "-----BEGIN KEY----- topSecretMaterial"
        features:
          auto_labeling: false
        repositories:
          - name: "octo/widgets"
            events: ["issues", "push"]
            labels:
              auto_apply: true
        retention_days: 30
        """);

    CliHarness.Run run = CliHarness.run(Map.of(), "config", "import", yaml.toString());

    assertEquals(0, run.exit(), run.err());
    assertContains(run.err(), "server.workers: HLS has no such setting", "retention_days: HLS has no such setting",
        "repositories.0.events: HLS has no such setting", "github.app_private_key", "set the environment variable GITHUB_TOKEN");
    assertContains(run.out(), "# seed server.workers = 3", "# seed retention_days = 30", "\"push\"");
    assertNotContains(run.out() + run.err(), "test-gh-literalTokenValue", "topSecretMaterial");
    Path out = dir.resolve("imported.conf");
    Files.writeString(out, run.out());
    HlsConfig c = ConfigLoader.load(Optional.of(out), Map.of("GITHUB_TOKEN", "test-gh-env")).hls();
    assertEquals(8123, c.server().port());
    assertEquals("test-gh-env", c.github().token().orElseThrow().reveal());
    RepositoryRule rule = c.repositories().match("octo/widgets").orElseThrow();
    assertEquals("octo/widgets", rule.name());
    assertEquals(Set.of("issues"), rule.events());
    assertFalse(rule.labels().autoApply(), "features.auto_labeling = false wins over the rule's auto_apply");
  }

  @Test
  void malformedYamlIsOneLineWithLineAndColumnExit2AndNothingWritten() throws Exception {
    Path yaml = dir.resolve("settings.yaml");
    Files.writeString(yaml, "server:\n  host: \"127.0.0.1\"\n  port: [8001\ngithub:\n  token: \"test-gh-secretOnABadLine\n");
    Path out = dir.resolve("hls.conf");

    CliHarness.Run run = CliHarness.run(Map.of(), "config", "import", yaml.toString(), "--out", out.toString());

    assertEquals(2, run.exit());
    assertEquals(1, run.errLines().size(), run.err());
    assertTrue(run.err().matches("(?s)hls config import: .*settings\\.yaml line \\d+ column \\d+: malformed YAML: .+"), run.err());
    assertNotContains(run.err(), "test-gh-secretOnABadLine", "Exception", "\tat ");
    assertFalse(Files.exists(out), "nothing is written for malformed YAML");
    assertEquals("", run.out());
  }

  @Test
  void outRefusesToOverwriteUnlessForce() throws Exception {
    Path yaml = dir.resolve("settings.yaml");
    Files.writeString(yaml, "server:\n  port: 8124\n");
    Path out = dir.resolve("hls.conf");
    Files.writeString(out, "# the user's own file\n");

    CliHarness.Run refused = CliHarness.run(Map.of(), "config", "import", yaml.toString(), "--out", out.toString());
    assertEquals(2, refused.exit());
    assertContains(refused.err(), "exists: not overwritten", "--force");
    assertEquals("# the user's own file\n", readString(out));

    CliHarness.Run forced = CliHarness.run(Map.of(), "config", "import", yaml.toString(), "--out", out.toString(), "--force");
    assertEquals(0, forced.exit(), forced.err());
    assertEquals(8124, ConfigLoader.load(Optional.of(out), Map.of()).hls().server().port());
  }

  private static String readString(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The seed document's settings.yaml, key for key. */
  private static final String SEED_SHAPED = """
      server:
        host: "127.0.0.1"
        port: 8001  # Different from existing system
        webhook_path: "/hls-api"

      github:
        token: "${GITHUB_TOKEN}"
        webhook_secret: "existing-system-integration"

      claude:
        api_key: "${ANTHROPIC_API_KEY}"
        model: "claude-3-5-sonnet-20241022"
        max_tokens: 4000

      repositories:
        - name: "your-repo-here"
          enabled: true
          events: ["issues", "pull_request", "pull_request_review", "workflow_run"]
          labels:
            auto_apply: true
          comments:
            auto_post: true

      features:
        signature_validation: false  # We trust the existing system
        async_processing: true
        auto_labeling: true

      database:
        path: "/home/clide/hls/data/webhooks.db"

      logging:
        level: "INFO"
        file: "/home/clide/hls/logs/hls.log"
      """;
}
