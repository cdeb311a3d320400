package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code monitor}: the health check for cron or a systemd timer (what monitor-hls did). Exit 0 when all
 * is well, 1 when the service is down or unhealthy, analysis is paused, or the oldest waiting event is
 * older than {@code --max-age}; the reasons are printed, so the timer's journal says what is wrong.
 */
final class MonitorCommand extends OperatorCommand {
  static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(15);

  @Override
  public String name() {
    return "monitor";
  }

  @Override
  public String summary() {
    return "health, queue, success rate; exits 1 when unhealthy or the queue is stuck (for timers)";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls monitor [--config FILE] [--max-age DURATION] [--quiet]

        Checks the running service: GET /health (database, analysis running or paused for budget or a
        bad API key) and GET /stats (queue, oldest waiting event, success rate, average processing time).
        Exit status 0 when healthy; 1 when the service is down, not "ok", analysis is paused, or the
        oldest pending event is older than --max-age (default 15m; e.g. 90s, 30m, 2h); 2 for bad usage.
        --quiet prints nothing when healthy (for cron, which mails any output).""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    Duration maxAge = Cli.takeOption(args, "--max-age").map(MonitorCommand::duration).orElse(DEFAULT_MAX_AGE);
    boolean quiet = Cli.takeFlag(args, "--quiet");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    Cli.noMoreArgs(args);
    List<String> alerts = new ArrayList<>();
    ServiceClient.Reply health;
    try {
      health = client.get("/health");
    } catch (CliFailure e) {
      cli.out.println("ALERT: " + e.getMessage());
      return 1;
    }
    JsonNode h = health.json();
    String status = Text.text(h.path("status"));
    String analysis = Text.text(h.path("analysis"));
    if (!status.equals("ok")) alerts.add("service status is " + status + " (database " + Text.text(h.path("database")) + ")");
    if (analysis.startsWith("paused")) alerts.add("analysis " + analysis);
    JsonNode s = ServiceClient.expectOk(client.get("/stats")).json();
    JsonNode oldest = s.path("oldest_pending_age_seconds");
    if (oldest.isNumber() && oldest.asLong() > maxAge.getSeconds()) {
      alerts.add("oldest pending event waits " + Text.age(Duration.ofSeconds(oldest.asLong()))
          + " (more than " + Text.age(maxAge) + ")");
    }
    if (quiet && alerts.isEmpty()) return 0;
    JsonNode by = s.path("by_status");
    cli.out.println("HLS at " + client.base());
    cli.out.print(Text.pairs(List.of(
        new String[] {"health", status + " (database " + Text.text(h.path("database")) + ", analysis " + analysis + ")"},
        new String[] {"queue", "pending " + by.path("pending").asLong() + ", retry " + by.path("retry").asLong()
            + ", processing " + by.path("processing").asLong() + ", failed " + by.path("failed").asLong()},
        new String[] {"oldest waiting", oldest.isNumber() ? Text.age(Duration.ofSeconds(oldest.asLong())) : "-"},
        new String[] {"success rate", Text.percent(s.path("success_rate").asDouble())},
        new String[] {"avg processing", Text.seconds(s.path("average_processing_time").asDouble())},
        new String[] {"today", s.path("today").path("webhooks").asLong() + " webhooks, "
            + s.path("today").path("claude_analyses").asLong() + " analyses, "
            + Text.usd(s.path("today").path("total_cost_usd").asDouble())})));
    // Whatever else /health reports (actors, rate-limited repositories...) is shown as it comes.
    h.properties().forEach(f -> {
      if (!List.of("status", "database", "analysis").contains(f.getKey())) {
        cli.out.println("  health." + f.getKey() + ": " + (f.getValue().isValueNode() ? f.getValue().asText() : f.getValue().toString()));
      }
    });
    if (alerts.isEmpty()) {
      cli.out.println("OK");
      return 0;
    }
    alerts.forEach(a -> cli.out.println("ALERT: " + a));
    return 1;
  }

  /** HOCON durations (90s, 15m, 2h; a bare number is milliseconds in HOCON, so a unit is required here). */
  static Duration duration(String raw) {
    if (!raw.strip().matches("\\d+\\s*[a-zA-Z]+")) {
      throw new UsageException("--max-age needs a duration with a unit, such as 90s, 15m or 2h, not '" + raw + "'");
    }
    try {
      return ConfigFactory.empty().withValue("d", ConfigValueFactory.fromAnyRef(raw.strip())).getDuration("d");
    } catch (ConfigException e) {
      throw new UsageException("--max-age: '" + raw + "' is not a duration such as 90s, 15m or 2h");
    }
  }
}
