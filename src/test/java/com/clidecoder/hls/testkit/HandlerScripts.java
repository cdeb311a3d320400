package com.clidecoder.hls.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the handler path's scripts ({@code bin/queue-hls-event} and the snippet that calls it) as a
 * real process, the way the webhook daemon does: a clean slate for the variables GitHub's headers
 * become, the test's environment on top, stdin given, output captured through files.
 */
public final class HandlerScripts {
  public record Run(int exit, String out, String err) {}

  private HandlerScripts() {}

  public static Run run(List<String> command, Path dir, Map<String, String> env, byte[] stdin) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile());
    pb.environment().remove("GITHUB_DELIVERY");
    pb.environment().remove("X_HUB_SIGNATURE_256");
    pb.environment().putAll(env);
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) in.write(stdin);
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " finished within 60 s");
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
