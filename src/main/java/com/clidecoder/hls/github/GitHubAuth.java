package com.clidecoder.hls.github;

import com.clidecoder.hls.config.Secret;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where the {@code Authorization} token of a request comes from: a fixed personal token, or a GitHub App's
 * installation token (fetched and renewed asynchronously per installation). Never yields a token to a log.
 */
public sealed interface GitHubAuth {
  /** The token for a request on behalf of {@code installation} (ignored by a personal token). */
  CompletionStage<Secret> token(Optional<Long> installation);

  /** GitHub answered 401 to {@code used}: forget it, so the next {@link #token} renews. True if a retry may help. */
  boolean refused(Optional<Long> installation, Secret used);

  /** For {@code /health}: which identity, and whether a token could be had (never the token). */
  String status();

  /** A fresh app JWT (for {@code /app/...} routes such as the app's own hook); empty for a personal token. */
  default Optional<Secret> appJwt() {
    return Optional.empty();
  }

  record PersonalToken(Secret secret) implements GitHubAuth {
    @Override
    public CompletionStage<Secret> token(Optional<Long> installation) {
      return CompletableFuture.completedFuture(secret);
    }

    @Override
    public boolean refused(Optional<Long> installation, Secret used) {
      return false;
    }

    @Override
    public String status() {
      return "token";
    }
  }

  record App(InstallationTokens tokens) implements GitHubAuth {
    @Override
    public CompletionStage<Secret> token(Optional<Long> installation) {
      return tokens.token(installation);
    }

    @Override
    public boolean refused(Optional<Long> installation, Secret used) {
      return tokens.forget(installation, used);
    }

    @Override
    public String status() {
      return tokens.status();
    }

    @Override
    public Optional<Secret> appJwt() {
      return Optional.of(Secret.of(tokens.appJwt()));
    }
  }
}
