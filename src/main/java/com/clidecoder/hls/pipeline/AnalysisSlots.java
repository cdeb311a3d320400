package com.clidecoder.hls.pipeline;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code max-concurrent-analyses} slots, by repository (one event per repository is in flight):
 * a repository holds a slot from the moment its actor may call the analyst until the analyst's answer
 * arrives, so the cap bounds concurrent Claude calls exactly. Requests beyond the cap wait in arrival
 * order. Not thread-safe: owned by the {@link QueueSupervisor}.
 */
final class AnalysisSlots {
  private final Set<String> held = new HashSet<>();
  private final ArrayDeque<String> waiting = new ArrayDeque<>();

  /** Queues a request for a slot; {@link #grant} hands it out. */
  void want(String repository) {
    if (!held.contains(repository) && !waiting.contains(repository)) waiting.add(repository);
  }

  /** Hands out slots to waiting repositories, oldest request first, while fewer than {@code max} are held. */
  List<String> grant(int max) {
    List<String> granted = new ArrayList<>();
    while (held.size() < max && !waiting.isEmpty()) {
      String repository = waiting.poll();
      held.add(repository);
      granted.add(repository);
    }
    return granted;
  }

  /** The repository's answer arrived, or its event ended: its slot or its place in the queue is given up. */
  void release(String repository) {
    held.remove(repository);
    waiting.remove(repository);
  }

  /** Empties the queue (analysis pauses or the pipeline drains) and returns who was waiting. */
  List<String> refuseWaiting() {
    List<String> refused = List.copyOf(waiting);
    waiting.clear();
    return refused;
  }

  int held() {
    return held.size();
  }

  void clear() {
    held.clear();
    waiting.clear();
  }
}
