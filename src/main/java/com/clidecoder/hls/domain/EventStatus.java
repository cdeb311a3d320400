package com.clidecoder.hls.domain;

import java.util.Arrays;
import java.util.Optional;

/** Where a stored webhook event is in its life; {@link #code} is what the database and JSON hold. */
public enum EventStatus {
  PENDING("pending"),
  PROCESSING("processing"),
  RETRY("retry"),
  COMPLETED("completed"),
  FAILED("failed"),
  SKIPPED("skipped");

  public final String code;

  EventStatus(String code) {
    this.code = code;
  }

  public boolean isFinal() {
    return this == COMPLETED || this == FAILED || this == SKIPPED;
  }

  public static Optional<EventStatus> fromCode(String code) {
    return Arrays.stream(values()).filter(s -> s.code.equals(code)).findFirst();
  }
}
