package com.clidecoder.hls.claude;

import com.clidecoder.hls.config.HlsConfig;

/** Tokens one Messages API call consumed and what they cost in USD, from the config's price table. */
public record Usage(String model, long inputTokens, long outputTokens, double costUsd) {

  /** Prices are per million tokens, as Anthropic publishes them. */
  public static Usage of(String model, long inputTokens, long outputTokens, HlsConfig.Price price) {
    double cost =
        inputTokens * price.inputPerMtok() / 1_000_000.0
            + outputTokens * price.outputPerMtok() / 1_000_000.0;
    return new Usage(model, inputTokens, outputTokens, cost);
  }
}
