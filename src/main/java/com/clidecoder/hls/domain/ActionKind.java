package com.clidecoder.hls.domain;

/** What HLS does on GitHub; {@link #code} is the {@code github_actions.kind} value. */
public enum ActionKind {
  LABEL("label"),
  COMMENT("comment"),
  REVIEW("review");

  public final String code;

  ActionKind(String code) {
    this.code = code;
  }
}
