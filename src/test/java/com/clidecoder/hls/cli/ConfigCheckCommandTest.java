package com.clidecoder.hls.cli;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static com.clidecoder.hls.testkit.TextAssertions.assertNotContains;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigCheckCommandTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(Map<String, String> env, String... argv) {
    Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    return Main.run(List.of(argv), cli);
  }

  private Path file(String hocon) throws Exception {
    Path f = dir.resolve("hls.conf");
    Files.writeString(f, "hls.database.path = \"" + dir.resolve("webhooks.db") + "\"\n" + hocon + "\n");
    return f;
  }

  @Test
  void aValidFilePrintsTheEffectiveConfigWithSecretsMasked() throws Exception {
    Path f = file("hls.server.port = 8123\nhls.github.token = \"test-gh-notForYourEyes\"");

    int status = run(Map.of("ANTHROPIC_API_KEY", "test-ant-alsoSecret"), "config", "check", "--config", f.toString());

    String printed = out.toString(StandardCharsets.UTF_8);
    assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
    assertContains(printed, "8123", "****", "configuration OK (" + f + ")");
    assertNotContains(printed, "test-gh-notForYourEyes", "test-ant-alsoSecret");
    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void hlsConfigChoosesTheFileAndQuietPrintsOnlyTheVerdict() throws Exception {
    Path f = file("hls.server.port = 8124");

    int status = run(Map.of("HLS_CONFIG", f.toString()), "config", "check", "--quiet");

    assertEquals(0, status);
    assertEquals("configuration OK (" + f + ")", out.toString(StandardCharsets.UTF_8).strip());
  }

  @Test
  void aBadFileExitsWith78AndOneLinePerProblemWithoutATrace() throws Exception {
    Path f = file("hls.server.port = 70000\nhls.server.prot = 1\nhls.github.token = 12345678");

    int status = run(Map.of(), "config", "check", "--config=" + f);

    assertEquals(78, status);
    assertEquals("", out.toString(StandardCharsets.UTF_8));
    List<String> lines = err.toString(StandardCharsets.UTF_8).lines().toList();
    assertEquals(4, lines.size(), String.join("\n", lines));
    assertEquals("hls: invalid configuration:", lines.get(0));
    String problems = String.join("\n", lines);
    assertContains(problems, "  hls.server.port: 70000 is not valid", "  hls.server.prot: unknown key",
        "  hls.github.token: must be a string");
    assertNotContains(problems, "12345678", "Exception", "\tat ");
  }

  @Test
  void aTypoedRootKeyIsReportedByConfigCheck() throws Exception {
    Path f = file("hsl {\n  server.port = 9000\n}\n");

    int status = run(Map.of(), "config", "check", "--config=" + f);

    assertEquals(78, status);
    assertContains(err.toString(StandardCharsets.UTF_8), "  hsl: unknown root key", "did you mean hls?");
  }

  @Test
  void aMissingFileExitsWith78() {
    int status = run(Map.of(), "config", "check", "--config", dir.resolve("absent.conf").toString());

    assertEquals(78, status);
    assertContains(err.toString(StandardCharsets.UTF_8), "absent.conf: not found");
  }

  @Test
  void aWrongSubcommandIsAUsageError() {
    assertEquals(2, run(Map.of(), "config", "show"));
    assertContains(err.toString(StandardCharsets.UTF_8), "expected 'config check'");
  }

  @Test
  void checkSaysWhichGitHubIdentityIsUsedWithoutTheKey() throws Exception {
    String pem = com.clidecoder.hls.testkit.AppKeys.pkcs1Pem(com.clidecoder.hls.testkit.AppKeys.generate());
    Path key = com.clidecoder.hls.testkit.AppKeys.write(dir.resolve("app.pem"), pem);
    Path f = file("hls.github.app { id = 4711, private-key-file = \"" + key + "\" }");
    assertEquals(0, run(Map.of(), "config", "check", "--config", f.toString()), err.toString());
    assertContains(out.toString(), "GitHub identity: GitHub App 4711 (installation tokens)");
    assertNotContains(out.toString(), pem.split("\n")[1]);
    out.reset();
    assertEquals(0, run(Map.of("GITHUB_TOKEN", "test-gh-x"), "config", "check", "--config", file("").toString()));
    assertContains(out.toString(), "GitHub identity: personal token");
  }
}
