package com.clidecoder.hls.domain;

/**
 * An analysis with what it cost, as stored in {@code claude_analyses}.
 *
 * @param provider {@code anthropic} or {@code offline}
 * @param rawResponse the response body as received (Claude) or the offline model's explanation
 */
public record AnalysisRecord(
    String provider,
    String model,
    String analysisType,
    String prompt,
    String rawResponse,
    long inputTokens,
    long outputTokens,
    double costUsd,
    long processingTimeMs,
    Analysis analysis) {
  public static final String ANTHROPIC = "anthropic";
  public static final String OFFLINE = "offline";

  /** Whether Claude made this analysis (what {@code daily_stats.claude_analyses} counts). */
  public boolean byClaude() {
    return ANTHROPIC.equals(provider);
  }
}
