package com.clidecoder.hls.config;

import java.util.List;

/** Thrown when the configuration cannot be used; every problem names the key, the value and what is allowed. */
public final class ConfigProblems extends RuntimeException {
  private final List<String> problems;

  public ConfigProblems(List<String> problems) {
    super(String.join("\n", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
