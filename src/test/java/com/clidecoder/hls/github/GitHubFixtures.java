package com.clidecoder.hls.github;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.RepositoryRule;
import com.clidecoder.hls.config.Secret;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Small configs and rules for the github package's tests: short intervals keep them fast. */
final class GitHubFixtures {
  static final String TOKEN = "test-gh-test-token-never-logged";

  private GitHubFixtures() {}

  static HlsConfig.GitHub live(String url) {
    return config(url, Optional.of(TOKEN), false, Duration.ofMillis(50), Duration.ofSeconds(5), 1000);
  }

  static HlsConfig.GitHub config(
      String url, Optional<String> token, boolean dryRun, Duration writeInterval, Duration timeout, int diffMax) {
    return new HlsConfig.GitHub(URI.create(url), token.map(Secret::of), Optional.empty(), dryRun, writeInterval,
        Optional.empty(), diffMax, timeout, Duration.ofMinutes(10), 200);
  }

  static RepositoryRule rule(boolean autoApply, boolean autoPost, List<String> allowed, Map<String, String> map) {
    return new RepositoryRule("*", true, Set.of("issues", "pull_request"),
        new RepositoryRule.Labels(autoApply, allowed, map), new RepositoryRule.Comments(autoPost), Optional.empty());
  }

  static RepositoryRule permissive() {
    return rule(true, true, List.of("needs-triage"), Map.of("feature", "enhancement"));
  }
}
