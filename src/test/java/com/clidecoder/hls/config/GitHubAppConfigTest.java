package com.clidecoder.hls.config;

import static com.clidecoder.hls.testkit.TextAssertions.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.AppKeys;
import com.clidecoder.hls.testkit.TestConfigs;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code hls.github.app}: both PEM formats load; a bad key stops startup naming key and file, not contents. */
class GitHubAppConfigTest {
  private static final KeyPair PAIR = AppKeys.generate();
  @TempDir Path dir;

  @Test
  void pkcs1KeyAsGitHubHandsItOutLoadsToTheSameKey() {
    Path file = AppKeys.write(dir.resolve("app.pem"), AppKeys.pkcs1Pem(PAIR));
    HlsConfig.App app = app(file);
    assertEquals(PAIR.getPrivate(), app.privateKey().key());
    assertEquals(123, app.id());
    assertEquals(Optional.of(77L), app.installationId());
  }

  @Test
  void pkcs8KeyLoadsToTheSameKey() {
    Path file = AppKeys.write(dir.resolve("app8.pem"), AppKeys.pkcs8Pem(PAIR));
    assertEquals(PAIR.getPrivate(), app(file).privateKey().key());
  }

  @Test
  void aConfiguredBotLoginWinsOverTheLearnedOne() throws Exception {
    HlsConfig plain = TestConfigs.load(dir, "").hls();
    assertEquals(Optional.of("hls-app[bot]"), plain.withBotLogin(Optional.of("hls-app[bot]")).github().botLogin());
    assertTrue(plain == plain.withBotLogin(Optional.empty()), "nothing learned: the same config");
    HlsConfig configured = TestConfigs.load(dir, "hls.github.bot-login = \"my-bot\"").hls();
    assertEquals(Optional.of("my-bot"), configured.withBotLogin(Optional.of("hls-app[bot]")).github().botLogin());
  }

  @Test
  void appIsOffByDefaultAndIdentitySaysWhichIsUsed() throws Exception {
    HlsConfig plain = TestConfigs.load(dir, "").hls();
    assertTrue(plain.github().app().isEmpty());
    assertEquals("none (dry run)", plain.github().identity());
    Path file = AppKeys.write(dir.resolve("app.pem"), AppKeys.pkcs1Pem(PAIR));
    HlsConfig withApp = TestConfigs.load(dir, appHocon(file)).hls();
    assertEquals("GitHub App 123 (installation tokens)", withApp.github().identity());
    assertFalse(withApp.github().effectiveDryRun(), "an app can write without a personal token");
    assertEquals(Duration.ofMinutes(5), withApp.github().app().get().renewBefore());
  }

  @Test
  void malformedKeyNamesTheKeyAndTheFileButNotTheContents() {
    String garbage = "-----BEGIN RSA PRIVATE KEY-----\nTUFMRk9STUVEU0VDUkVUQ09OVEVOVFM=\n-----END RSA PRIVATE KEY-----\n";
    Path file = AppKeys.write(dir.resolve("bad.pem"), garbage);
    String problem = onlyProblem(appHocon(file));
    assertContains(problem, "hls.github.app.private-key-file", file.toString(), "not an RSA private key");
    assertFalse(problem.contains("TUFMRk9STUVEU0VDUkVUQ09OVEVOVFM"), problem);
  }

  @Test
  void truncatedRealKeyIsRefusedWithoutQuotingIt() {
    String pem = AppKeys.pkcs1Pem(PAIR);
    String cut = pem.substring(0, pem.length() / 2) + "\n-----END RSA PRIVATE KEY-----\n";
    Path file = AppKeys.write(dir.resolve("cut.pem"), cut);
    String problem = onlyProblem(appHocon(file));
    assertContains(problem, "hls.github.app.private-key-file", file.toString());
    String secondLine = pem.split("\n")[1];
    assertFalse(problem.contains(secondLine), problem);
  }

  @Test
  void unreadableKeyFileNamesTheKeyAndTheFile() {
    Path missing = dir.resolve("missing.pem");
    assertContains(onlyProblem(appHocon(missing)), "hls.github.app.private-key-file", missing.toString(), "cannot be read");
  }

  @Test
  void idWithoutKeyIsAProblem() {
    assertContains(onlyProblem("hls.github.app.id = 5"), "hls.github.app.private-key-file", "required");
  }

  @Test
  void environmentSetsTheApp() {
    Path file = AppKeys.write(dir.resolve("env.pem"), AppKeys.pkcs1Pem(PAIR));
    assertEquals("hls.github.app.id", ConfigLoader.ENV_KEYS.get("GITHUB_APP_ID"));
    assertEquals("hls.github.app.private-key-file", ConfigLoader.ENV_KEYS.get("GITHUB_APP_PRIVATE_KEY_FILE"));
    HlsConfig c = TestConfigs.load(dir, "",
        java.util.Map.of("GITHUB_APP_ID", "9", "GITHUB_APP_PRIVATE_KEY_FILE", file.toString())).hls();
    assertEquals(9, c.github().app().orElseThrow().id());
  }

  @Test
  void keyToStringIsMasked() {
    Path file = AppKeys.write(dir.resolve("app.pem"), AppKeys.pkcs1Pem(PAIR));
    HlsConfig.App app = app(file);
    assertFalse(app.toString().contains(((java.security.interfaces.RSAPrivateKey) PAIR.getPrivate())
        .getPrivateExponent().toString().substring(0, 20)), app.toString());
    assertContains(app.toString(), "****");
  }

  private HlsConfig.App app(Path file) {
    try {
      return TestConfigs.load(dir, appHocon(file)).hls().github().app().orElseThrow();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String appHocon(Path file) {
    return "hls.github.app { id = 123, installation-id = 77, private-key-file = \""
        + file.toString().replace("\\", "\\\\") + "\" }";
  }

  private String onlyProblem(String hocon) {
    ConfigProblems p = assertThrows(ConfigProblems.class, () -> TestConfigs.load(dir, hocon));
    assertEquals(1, p.problems().size(), String.join("\n", p.problems()));
    return p.problems().get(0);
  }
}
