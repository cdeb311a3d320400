package com.clidecoder.hls.pipeline;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code max-concurrent-analyses} slots, by repository (one event per repository is in flight):
 * a repository holds a slot from the moment its actor may call the analyst until the analyst's answer
 * arrives, so the cap bounds concurrent Claude calls exactly. Requests beyond the cap wait; a free slot
 * goes to the waiting event of highest priority (a failing workflow run before a labelled issue, as
 * the claim orders them), and among equals to the oldest request. Not thread-safe: owned by the
 * {@link QueueSupervisor}.
 */
final class AnalysisSlots {
  private final Set<String> held = new HashSet<>();
  /** Waiting repositories in request order, with their event's priority. */
  private final Map<String, Integer> waiting = new LinkedHashMap<>();

  /** Queues a request for a slot for an event of {@code priority}; {@link #grant} hands it out. */
  void want(String repository, int priority) {
    if (!held.contains(repository)) waiting.putIfAbsent(repository, priority);
  }

  /** Hands out slots while fewer than {@code max} are held: highest priority first, then oldest request. */
  List<String> grant(int max) {
    List<String> granted = new ArrayList<>();
    while (held.size() < max && !waiting.isEmpty()) {
      String next = null;
      int best = Integer.MIN_VALUE;
      for (Map.Entry<String, Integer> w : waiting.entrySet()) {
        if (w.getValue() > best) { // strictly greater: an equal priority keeps the earlier request
          best = w.getValue();
          next = w.getKey();
        }
      }
      waiting.remove(next);
      held.add(next);
      granted.add(next);
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
    List<String> refused = List.copyOf(waiting.keySet());
    waiting.clear();
    return refused;
  }

  int held() {
    return held.size();
  }

  int waiting() {
    return waiting.size();
  }

  void clear() {
    held.clear();
    waiting.clear();
  }
}
