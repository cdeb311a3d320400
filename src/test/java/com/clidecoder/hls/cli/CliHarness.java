package com.clidecoder.hls.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@code bin/hls} in-process, as {@link Main#main} would, with captured output and a given environment. */
public final class CliHarness {
  public record Run(int exit, String out, String err) {
    public List<String> errLines() {
      return err.lines().toList();
    }
  }

  private CliHarness() {}

  /** {@code bin/hls monitor} against the service at {@code baseUrl}, with its default thresholds. */
  public static Run monitor(String baseUrl) {
    return run(Map.of("HLS_URL", baseUrl), "monitor");
  }

  public static Run run(Map<String, String> env, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli cli = new Cli(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
    int exit = Main.run(List.of(args), cli);
    return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
