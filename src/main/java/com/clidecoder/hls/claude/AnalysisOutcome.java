package com.clidecoder.hls.claude;

import com.clidecoder.hls.domain.AnalysisRecord;
import java.time.Duration;
import java.util.Optional;

/** What one attempt at an analysis came to, before the actor addresses it to an event. */
public sealed interface AnalysisOutcome {

  record Success(AnalysisRecord record) implements AnalysisOutcome {}

  /**
   * A failed attempt. {@code usage} is present when the API answered and billed the call (a reply cut
   * off at max_tokens still costs money), so the budget can count it.
   */
  record Failure(
      ClaudeAnalyst.FailureKind kind,
      String message,
      Optional<Duration> retryAfter,
      Optional<Usage> usage)
      implements AnalysisOutcome {

    static Failure of(ClaudeAnalyst.FailureKind kind, String message) {
      return new Failure(kind, message, Optional.empty(), Optional.empty());
    }
  }
}
