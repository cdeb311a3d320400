package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.config.RepositoryRule;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What to do with one claimed event: skip it (with the reason) or analyse it and act on its targets. */
sealed interface EventPlan {
  record Skip(String reason) implements EventPlan {}

  /**
   * @param targets issue or pull request numbers the resulting actions apply to (may be empty: the
   *     analysis is stored and nothing is posted)
   * @param pullRequest the pull request whose diff the analysis should see, or 0
   * @param labelTargets whether labels apply (issues and pull requests; not reviews or workflow runs)
   * @param commentTargets whether the analysis may post or edit the thread's comment ({@code comments.on})
   */
  record Analyse(JsonNode payload, RepositoryRule rule, List<Integer> targets, int pullRequest, boolean labelTargets,
      boolean commentTargets) implements EventPlan {}
}
