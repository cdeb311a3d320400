package com.clidecoder.hls.pipeline;

import com.clidecoder.hls.claude.ClaudeAnalyst;
import com.clidecoder.hls.github.GitHubActuator;
import com.clidecoder.hls.metrics.HlsMetrics;
import com.clidecoder.hls.triage.TriageModels;
import com.clidecoder.hls.store.ActionStore;
import com.clidecoder.hls.store.AnalysisStore;
import com.clidecoder.hls.store.EventStore;
import com.clidecoder.hls.store.StatsStore;
import java.time.Clock;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * The collaborators the pipeline actors share: stores (called only on {@code jdbc}), the analyst and
 * actuator actors, the embedded triage models (thread-safe; may read model files, so also on
 * {@code jdbc}), metrics and the clock.
 */
public record Pipeline(
    EventStore events,
    AnalysisStore analyses,
    ActionStore actions,
    StatsStore stats,
    Executor jdbc,
    ActorRef<ClaudeAnalyst.Command> analyst,
    ActorRef<GitHubActuator.Command> actuator,
    TriageModels triage,
    HlsMetrics metrics,
    Clock clock) {}
