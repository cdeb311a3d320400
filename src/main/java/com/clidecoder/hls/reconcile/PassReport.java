package com.clidecoder.hls.reconcile;

import com.clidecoder.hls.domain.HookDelivery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one reconcile pass found and did: per hook whether it could be read, the gaps (failed deliveries of
 * handled events HLS never saw), and which redeliveries were asked, refused or only planned (dry run).
 */
public record PassReport(Instant startedAt, Instant finishedAt, Instant since, boolean redeliver, boolean dryRun,
    List<Hook> hooks, List<Gap> gaps) {

  /** One hook: {@code problem} is empty when its deliveries were read. */
  public record Hook(String name, int listed, int gaps, String problem) {
    public boolean ok() {
      return problem.isEmpty();
    }
  }

  /** One lost delivery and what became of it: listed, planned (dry run), asked, or failed (why). */
  public record Gap(String hook, HookDelivery delivery, String outcome) {}

  public long asked() {
    return gaps.stream().filter(g -> g.outcome().equals("asked")).count();
  }

  public long failedAsks() {
    return gaps.stream().filter(g -> g.outcome().startsWith("failed")).count();
  }

  /** The JSON of {@code GET /api/deliveries} and {@code POST /api/deliveries/redeliver} (CONTRACT names). */
  public Map<String, Object> toJson() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("started_at", startedAt.toString());
    body.put("finished_at", finishedAt.toString());
    body.put("since", since.toString());
    body.put("redeliver", redeliver);
    body.put("dry_run", dryRun);
    body.put("hooks", hooks.stream().map(h -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("hook", h.name());
      m.put("listed", h.listed());
      m.put("gaps", h.gaps());
      m.put("problem", h.ok() ? null : h.problem());
      return m;
    }).toList());
    body.put("gaps", gaps.stream().map(g -> {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("hook", g.hook());
      m.put("guid", g.delivery().guid());
      m.put("delivery_id", g.delivery().id());
      m.put("event", g.delivery().event());
      m.put("action", g.delivery().action());
      m.put("delivered_at", g.delivery().deliveredAt().toString());
      m.put("status_code", g.delivery().statusCode());
      m.put("outcome", g.outcome());
      return m;
    }).toList());
    body.put("gaps_found", gaps.size());
    body.put("redeliveries_asked", asked());
    body.put("redeliveries_failed", failedAsks());
    return body;
  }
}
