package com.clidecoder.hls.domain;

import java.util.Arrays;
import java.util.Optional;

/** State of one intended GitHub action; {@link #code} is the {@code github_actions.status} value. */
public enum ActionStatus {
  PLANNED("planned"),
  DONE("done"),
  REFUSED("refused"),
  FAILED("failed");

  public final String code;

  ActionStatus(String code) {
    this.code = code;
  }

  public static Optional<ActionStatus> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
