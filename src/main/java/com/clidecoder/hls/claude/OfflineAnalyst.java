package com.clidecoder.hls.claude;

import com.clidecoder.hls.domain.Analysis;
import com.clidecoder.hls.domain.AnalysisRequest;

/**
 * The analyst used without an API key: deterministic, local, free. It answers with the same
 * {@link Analysis} shape as Claude, so the rest of the pipeline does not care which one ran. The rules
 * in {@link RuleBasedAnalyst} are the default; a trained classifier can take their place.
 */
public interface OfflineAnalyst {
  /** Must be pure and quick: it runs on the analyst actor's thread. */
  Analysis analyse(AnalysisRequest request);

  /** Stored as {@code claude_analyses.model}. */
  default String model() {
    return "offline-rules";
  }

  /** The model that answers this request (the classifier when the request carries its hint). */
  default String model(AnalysisRequest request) {
    return request.hint().isPresent() ? "offline-classifier" : model();
  }
}
