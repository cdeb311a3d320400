package com.clidecoder.hls.cli;

import com.clidecoder.hls.domain.Durations;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code monitor}: the health check for cron or a systemd timer (what monitor-hls did). Exit 0 when all
 * is well, 1 with one {@code ALERT:} line per reason when something needs a person (see {@link MonitorAlerts});
 * the summary above the alerts is what the notifier mails, so the mail says what is wrong.
 */
final class MonitorCommand extends OperatorCommand {
  @Override
  public String name() {
    return "monitor";
  }

  @Override
  public String summary() {
    return "health, pauses, recent failures, queue and spool age; exits 1 with the reasons (for timers)";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls monitor [--config FILE] [--max-failed N] [--window DURATION] [--max-age DURATION]
                               [--max-spool-age DURATION] [--quiet]

        Checks the running service (GET /health and /stats) and exits 1, printing one ALERT line per
        reason, when any of these holds:
          - the service does not answer, or its database is down;
          - analysis is paused (daily budget, bad API key, spend limit, Anthropic outage);
          - GitHub writes are paused (token refused, GitHub unreachable), or the token expires within 7 days;
          - more than --max-failed events (default 0) failed within --window (default 1h); a failure stops
            counting once it is requeued (bin/hls retry) or its window has passed;
          - the oldest pending event is older than --max-age (default 15m);
          - a handler spool entry is older than --max-spool-age (default 15m), or entries were rejected.
        Durations take a unit: 90s, 15m, 2h, 1d. Exit status 0 when healthy, 1 on any alert, 2 for bad
        usage. --quiet prints nothing when healthy (for cron, which mails any output).""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    MonitorAlerts.Limits limits = new MonitorAlerts.Limits(
        Cli.takeOption(args, "--max-failed").map(MonitorCommand::count).orElse(MonitorAlerts.DEFAULT_MAX_FAILED),
        Cli.takeOption(args, "--window").map(v -> duration("--window", v)).orElse(MonitorAlerts.DEFAULT_WINDOW),
        Cli.takeOption(args, "--max-age").map(v -> duration("--max-age", v)).orElse(MonitorAlerts.DEFAULT_MAX_AGE),
        Cli.takeOption(args, "--max-spool-age").map(v -> duration("--max-spool-age", v))
            .orElse(MonitorAlerts.DEFAULT_MAX_SPOOL_AGE));
    if (limits.window().compareTo(Duration.ofDays(30)) > 0) throw new UsageException("--window is at most 30d");
    boolean quiet = Cli.takeFlag(args, "--quiet");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    Cli.noMoreArgs(args);
    JsonNode h;
    try {
      h = client.get("/health?window=" + limits.window().getSeconds() + "s").json();
    } catch (CliFailure e) {
      cli.out.println("ALERT: " + e.getMessage());
      return 1;
    }
    JsonNode s = ServiceClient.expectOk(client.get("/stats")).json();
    List<String> alerts = MonitorAlerts.of(h, s, limits, Instant.now());
    if (quiet && alerts.isEmpty()) return 0;
    printSummary(cli, client, h, s);
    if (alerts.isEmpty()) {
      cli.out.println("OK");
      return 0;
    }
    alerts.forEach(a -> cli.out.println("ALERT: " + a));
    return 1;
  }

  private static void printSummary(Cli cli, ServiceClient client, JsonNode h, JsonNode s) {
    JsonNode by = s.path("by_status");
    JsonNode oldest = s.path("oldest_pending_age_seconds");
    JsonNode failed = h.path("failed_recent");
    JsonNode spool = h.path("spool");
    List<String[]> rows = new java.util.ArrayList<>(List.of(
        new String[] {"health", Text.text(h.path("status")) + " (database " + Text.text(h.path("database"))
            + ", analysis " + Text.text(h.path("analysis"))
            + (h.path("github").isTextual() ? ", GitHub " + h.path("github").asText() : "") + ")"},
        new String[] {"queue", "pending " + by.path("pending").asLong() + ", retry " + by.path("retry").asLong()
            + ", processing " + by.path("processing").asLong() + ", failed " + by.path("failed").asLong()},
        new String[] {"oldest waiting", oldest.isNumber() ? Text.age(Duration.ofSeconds(oldest.asLong())) : "-"},
        new String[] {"success rate", Text.percent(s.path("success_rate").asDouble())},
        new String[] {"avg processing", Text.seconds(s.path("average_processing_time").asDouble())},
        new String[] {"today", s.path("today").path("webhooks").asLong() + " webhooks, "
            + s.path("today").path("claude_analyses").asLong() + " analyses, "
            + Text.usd(s.path("today").path("total_cost_usd").asDouble())}));
    if (h.path("version").isTextual()) rows.add(1, new String[] {"version", h.path("version").asText()});
    if (failed.isObject()) {
      rows.add(new String[] {"failed recently", failed.path("count").asLong() + " in the last "
          + Text.age(Duration.ofSeconds(failed.path("window_seconds").asLong()))});
    }
    if (spool.isObject()) {
      JsonNode age = spool.path("oldest_age_seconds");
      rows.add(new String[] {"spool", spool.path("depth").asLong() + " waiting"
          + (spool.path("depth").asLong() > 0 ? " (oldest " + Text.age(Duration.ofSeconds(age.asLong())) + ")" : "")
          + ", " + spool.path("rejected").asLong() + " rejected, in " + Text.text(spool.path("dir"))});
    }
    cli.out.print(Text.pairs(rows));
    // Whatever else /health reports (pause times, token expiry, the pipeline's figures) as it comes.
    List<String> shown = List.of("status", "database", "analysis", "github", "version", "failed_recent",
        "oldest_pending_age_seconds", "spool");
    h.properties().forEach(f -> {
      if (!shown.contains(f.getKey()) && !f.getValue().isNull()) {
        cli.out.println("  health." + f.getKey() + ": " + (f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
      }
    });
  }

  static Duration duration(String option, String raw) {
    return Durations.parse(raw).filter(d -> !d.isZero()).orElseThrow(() -> new UsageException(
        option + " needs a duration with a unit, such as 90s, 15m or 2h, not '" + raw + "'"));
  }

  private static int count(String raw) {
    try {
      int n = Integer.parseInt(raw.strip());
      if (n >= 0) return n;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--max-failed must be a whole number of events (0 or more), not '" + raw + "'");
  }
}
