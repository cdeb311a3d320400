package com.clidecoder.hls.config;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The configured repository rules; {@link #match} picks the most specific one for a repository. */
public record RepositoryRules(List<RepositoryRule> rules) {

  public Optional<RepositoryRule> match(String fullName) {
    return rules.stream()
        .filter(r -> r.specificity(fullName) > 0)
        .max(Comparator.comparingInt(r -> r.specificity(fullName)));
  }
}
