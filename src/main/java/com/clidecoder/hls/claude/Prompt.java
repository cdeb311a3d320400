package com.clidecoder.hls.claude;

/** A rendered prompt: the system instructions and the user turn with the event's data fenced in it. */
public record Prompt(String system, String user) {

  /** The text stored in {@code claude_analyses.prompt}: both parts, so a stored analysis can be replayed. */
  public String stored() {
    return "[system]\n" + system + "\n\n[user]\n" + user;
  }
}
