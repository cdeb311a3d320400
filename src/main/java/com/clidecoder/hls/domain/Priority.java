package com.clidecoder.hls.domain;

import java.util.Arrays;
import java.util.Optional;

/** Urgency the analysis assigns. */
public enum Priority {
  LOW("low"),
  MEDIUM("medium"),
  HIGH("high"),
  CRITICAL("critical");

  public final String code;

  Priority(String code) {
    this.code = code;
  }

  public static Optional<Priority> fromCode(String code) {
    return Arrays.stream(values()).filter(p -> p.code.equals(code)).findFirst();
  }
}
