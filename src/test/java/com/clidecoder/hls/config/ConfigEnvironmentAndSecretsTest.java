package com.clidecoder.hls.config;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static com.clidecoder.hls.testkit.TextAssertions.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.TestConfigs;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigEnvironmentAndSecretsTest {
  private static final String FILE_SECRETS = String.join("\n",
      "hls.github.token = \"test-gh-fileTokenAAAA\"",
      "hls.github.webhook-secret = \"file-webhook-secret-BBBB\"",
      "hls.claude.api-key = \"test-ant-file-CCCC\"",
      "hls.admin.token = \"admin-file-DDDD\"");

  @TempDir Path dir;

  @Test
  void environmentOverridesWinOverTheFile() {
    Path envDb = dir.resolve("from-env/webhooks.db");
    Map<String, String> env = Map.of(
        "HLS_PORT", "9100",
        "HLS_DATABASE", envDb.toString(),
        "GITHUB_API_URL", "https://ghe.example.com/api/v3/",
        "GITHUB_TOKEN", "test-gh-envToken1111",
        "HLS_WEBHOOK_SECRET", "env-webhook-2222",
        "ANTHROPIC_BASE_URL", "http://127.0.0.1:4010",
        "ANTHROPIC_API_KEY", "test-ant-env-3333",
        "HLS_ADMIN_TOKEN", "admin-env-4444");

    HlsConfig c = TestConfigs.load(dir, "hls.server.port = 9000\n" + FILE_SECRETS
        + "\nhls.github.api-url = \"https://file.example.com\"", env).hls();

    assertEquals(9100, c.server().port());
    assertEquals(envDb, c.database().path());
    assertEquals(URI.create("https://ghe.example.com/api/v3"), c.github().apiUrl(), "trailing slash dropped");
    assertEquals("test-gh-envToken1111", c.github().token().orElseThrow().reveal());
    assertEquals("env-webhook-2222", c.github().webhookSecret().orElseThrow().reveal());
    assertEquals(URI.create("http://127.0.0.1:4010"), c.claude().apiUrl());
    assertEquals("test-ant-env-3333", c.claude().apiKey().orElseThrow().reveal());
    assertEquals("admin-env-4444", c.admin().token().orElseThrow().reveal());
    assertFalse(c.github().effectiveDryRun());
    assertFalse(c.claude().offline());
  }

  @Test
  void blankEnvironmentValuesAreIgnored() {
    HlsConfig c = TestConfigs.load(dir, "hls.server.port = 9000\n" + FILE_SECRETS,
        Map.of("HLS_PORT", "  ", "GITHUB_TOKEN", "")).hls();
    assertEquals(9000, c.server().port());
    assertEquals("test-gh-fileTokenAAAA", c.github().token().orElseThrow().reveal());
  }

  @Test
  void aBadEnvironmentValueIsReportedAsComingFromThatVariable() {
    ConfigProblems p = assertThrows(ConfigProblems.class,
        () -> TestConfigs.load(dir, "", Map.of("HLS_PORT", "eighty")));
    assertEquals(1, p.problems().size(), p.getMessage());
    assertContains(p.problems().get(0), "hls.server.port: \"eighty\" is not valid", "from environment variable HLS_PORT");
  }

  @Test
  void configFileChosenByFlagThenByHlsConfig() {
    Path flag = dir.resolve("a.conf");
    Path env = dir.resolve("b.conf");
    assertEquals(Optional.of(flag), ConfigLoader.chooseFile(Optional.of(flag), Map.of("HLS_CONFIG", env.toString())));
    assertEquals(Optional.of(env), ConfigLoader.chooseFile(Optional.empty(), Map.of("HLS_CONFIG", env.toString())));
    assertEquals(Optional.empty(), ConfigLoader.chooseFile(Optional.empty(), Map.of("HLS_CONFIG", " ")));
  }

  @Test
  void renderMaskedHidesEverySecretFromFileAndEnvironment() {
    ConfigLoader.Loaded loaded = TestConfigs.load(dir, "hls.server.port = 9000\n" + FILE_SECRETS,
        Map.of("GITHUB_TOKEN", "test-gh-envToken1111", "ANTHROPIC_API_KEY", "test-ant-env-3333"));

    String rendered = loaded.renderMasked();

    assertNotContains(rendered, "test-gh-fileTokenAAAA", "test-gh-envToken1111", "file-webhook-secret-BBBB",
        "test-ant-file-CCCC", "test-ant-env-3333", "admin-file-DDDD");
    assertContains(rendered, "9000", "claude-sonnet-4-5");
    assertEquals(4, rendered.split("\\*\\*\\*\\*", -1).length - 1, "one mask per secret:\n" + rendered);
    assertNotContains(loaded.hls().toString(), "test-gh-envToken1111", "file-webhook-secret-BBBB", "test-ant-env-3333",
        "admin-file-DDDD");
  }

  @Test
  void secretsOfTheWrongTypeAreRefusedWithoutShowingThem() {
    ConfigProblems p = assertThrows(ConfigProblems.class, () -> TestConfigs.load(dir, String.join("\n",
        "hls.github.token = 998877665544",
        "hls.claude.api-key = [\"test-ant-in-a-list\"]",
        "hls.github.webhook-secret { value = \"nested-secret-XYZ\" }",
        "hls.admin.token = true")));

    String all = p.getMessage();
    assertContains(all, "hls.github.token: must be a string", "hls.claude.api-key: must be a string",
        "hls.github.webhook-secret: must be a string", "hls.admin.token: must be a string");
    assertNotContains(all, "998877665544", "test-ant-in-a-list", "nested-secret-XYZ");
  }

  @Test
  void aSyntaxErrorNextToASecretDoesNotQuoteIt() throws Exception {
    Path file = dir.resolve("typo.conf");
    // A forgotten '=' makes the parser read the token as part of a key, which it then quotes.
    Files.writeString(file, "hls.server.port = 8001\nhls.github { token \"test-gh-leakyLeaky99\" }\n");

    ConfigProblems p = assertThrows(ConfigProblems.class, () -> ConfigLoader.load(Optional.of(file), Map.of()));

    assertNotContains(p.getMessage(), "test-gh-leakyLeaky99");
    assertContains(p.getMessage(), "config file " + file + " line 2: syntax error");
  }

  @Test
  void secretsMaskThemselvesAndCompareInConstantTime() {
    Secret s = Secret.of("hunter2");
    assertEquals("****", s.toString());
    assertEquals("Optional[****]", Optional.of(s).toString());
    assertTrue(s.matches("hunter2"));
    assertFalse(s.matches("hunter3"));
    assertFalse(s.matches(null));
    assertThrows(IllegalArgumentException.class, () -> Secret.of(""));
  }
}
