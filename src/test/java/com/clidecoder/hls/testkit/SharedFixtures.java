package com.clidecoder.hls.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The project-external {@code ../shared} folder (GitHub webhook fixtures, the NLBSE dataset). A user's
 * clone has none: tests that need it are skipped with a message saying so.
 */
public final class SharedFixtures {
  private SharedFixtures() {}

  public static Path dir() {
    String configured = System.getProperty("hls.shared.dir");
    Path dir = configured != null ? Path.of(configured) : Path.of("..", "shared");
    Assumptions.assumeTrue(
        Files.isDirectory(dir),
        "../shared is absent (" + dir.toAbsolutePath().normalize() + "): skipping a test that reads shared fixtures");
    return dir;
  }

  /** {@code ../shared/fixtures/github-webhooks}. */
  public static Path webhooks() {
    Path d = dir().resolve("fixtures/github-webhooks");
    Assumptions.assumeTrue(Files.isDirectory(d), "shared webhook fixtures are absent: skipping");
    return d;
  }

  /** {@code ../shared/datasets/nlbse24/issues_train.csv}. */
  public static Path nlbseTrain() {
    Path f = dir().resolve("datasets/nlbse24/issues_train.csv");
    Assumptions.assumeTrue(Files.isRegularFile(f), "the NLBSE'24 training set is absent: skipping");
    return f;
  }
}
