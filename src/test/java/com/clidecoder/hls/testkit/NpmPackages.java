package com.clidecoder.hls.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The npm packages {@code .ci/run} installs for the contract tests (GitHub's OpenAPI description, Prism,
 * the webhook examples), in the folder given by {@code -Dhls.npm.dir}, else {@code $HLS_NPM_CACHE}, else
 * {@code ~/.cache/hls-npm}. A test that needs one is skipped, saying why, when node or the install is absent.
 */
public final class NpmPackages {
  private NpmPackages() {}

  public static Path dir() {
    String prop = System.getProperty("hls.npm.dir");
    String env = System.getenv("HLS_NPM_CACHE");
    if (prop != null && !prop.isBlank()) return Path.of(prop);
    if (env != null && !env.isBlank()) return Path.of(env);
    return Path.of(System.getProperty("user.home"), ".cache", "hls-npm");
  }

  /** A file inside {@code node_modules}, or the test is skipped with the command that installs it. */
  public static Path file(String relative) {
    Path f = dir().resolve("node_modules").resolve(relative);
    Assumptions.assumeTrue(Files.isRegularFile(f),
        f + " is absent: skipping (run .ci/run, or see README 'Development' for the npm install line)");
    return f;
  }

  /** {@code node} on the PATH, or the test is skipped. */
  public static String node() {
    for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
      Path n = Path.of(d, "node");
      if (Files.isExecutable(n)) return n.toString();
    }
    Assumptions.abort("node is not on the PATH: skipping the tests that run Prism");
    return null;
  }

  /** {@code @octokit/webhooks-examples}: every event's example payloads. */
  public static Path webhookExamples() {
    return file("@octokit/webhooks-examples/api.github.com/index.json");
  }
}
