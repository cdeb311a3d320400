package com.clidecoder.hls.reconcile;

import com.clidecoder.hls.domain.HookDelivery;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Which listed deliveries are lost: grouped by guid (redeliveries share one), judged by the latest
 * attempt, of a handled event type, within the lookback, failed, and unknown to HLS. Pure, no I/O.
 */
public final class Gaps {
  private Gaps() {}

  /**
   * The latest attempt of each lost guid, oldest first, at most {@code max}.
   *
   * @param known given the candidate guids, those HLS stored, saw or already asked again for
   */
  public static List<HookDelivery> find(Collection<HookDelivery> listed, Set<String> handledEvents, Instant since,
      Function<Collection<String>, Set<String>> known, int max) {
    Map<String, HookDelivery> latest = new LinkedHashMap<>();
    for (HookDelivery d : listed) {
      latest.merge(d.guid(), d, (a, b) -> later(a, b));
    }
    List<HookDelivery> candidates = new ArrayList<>();
    for (HookDelivery d : latest.values()) {
      if (d.failed() && handledEvents.contains(d.event()) && !d.deliveredAt().isBefore(since)) candidates.add(d);
    }
    if (candidates.isEmpty()) return List.of();
    Set<String> seen = known.apply(candidates.stream().map(HookDelivery::guid).toList());
    return candidates.stream()
        .filter(d -> !seen.contains(d.guid()))
        .sorted(Comparator.comparing(HookDelivery::deliveredAt).thenComparingLong(HookDelivery::id))
        .limit(Math.max(0, max))
        .toList();
  }

  /** GitHub's delivery ids grow with each attempt; the time breaks no tie the id would not. */
  private static HookDelivery later(HookDelivery a, HookDelivery b) {
    int byTime = a.deliveredAt().compareTo(b.deliveredAt());
    if (byTime != 0) return byTime > 0 ? a : b;
    return a.id() >= b.id() ? a : b;
  }
}
