package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code stats}: the service's {@code /stats} figures as a readable table. */
final class StatsCommand extends OperatorCommand {
  @Override
  public String name() {
    return "stats";
  }

  @Override
  public String summary() {
    return "queue and today's figures from the running service (/stats) as a table";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls stats [--config FILE] [--json]

        Asks the running service for GET /stats and prints the queue (pending, oldest waiting, success
        rate, average processing time), counts by status and event type, and today's webhooks, analyses,
        GitHub actions and Claude cost. --json prints the service's answer as it is.
        The service is found from the config (server.host/port); HLS_URL overrides, e.g. http://127.0.0.1:8001.""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    boolean json = Cli.takeFlag(args, "--json");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    Cli.noMoreArgs(args);
    JsonNode s = ServiceClient.expectOk(client.get("/stats")).json();
    if (json) {
      cli.out.println(s.toPrettyString());
      return 0;
    }
    cli.out.println("HLS at " + client.base());
    cli.out.println("Queue");
    List<String[]> queue = new ArrayList<>();
    queue.add(new String[] {"waiting (pending + retry)", Text.text(s.path("total_pending"))});
    JsonNode oldest = s.path("oldest_pending_age_seconds");
    queue.add(new String[] {"oldest waiting", oldest.isNumber() ? Text.age(Duration.ofSeconds(oldest.asLong())) : "-"});
    queue.add(new String[] {"success rate", Text.percent(s.path("success_rate").asDouble())});
    queue.add(new String[] {"avg processing time", Text.seconds(s.path("average_processing_time").asDouble())});
    cli.out.print(Text.pairs(queue));
    cli.out.println("By status");
    cli.out.print(Text.pairs(counts(s.path("by_status"))));
    cli.out.println("By event type");
    List<String[]> types = counts(s.path("by_event_type"));
    cli.out.print(types.isEmpty() ? "  (none)\n" : Text.pairs(types));
    JsonNode t = s.path("today");
    cli.out.println("Today" + (t.path("date").isTextual() ? " (" + t.path("date").asText() + " UTC)" : ""));
    cli.out.print(Text.pairs(List.of(
        new String[] {"webhooks", Text.text(t.path("webhooks"))},
        new String[] {"claude analyses", Text.text(t.path("claude_analyses"))},
        new String[] {"github actions", Text.text(t.path("github_actions"))},
        new String[] {"claude cost", Text.usd(t.path("total_cost_usd").asDouble())})));
    return 0;
  }

  private static List<String[]> counts(JsonNode object) {
    List<String[]> rows = new ArrayList<>();
    object.properties().forEach(e -> rows.add(new String[] {e.getKey(), e.getValue().asText()}));
    return rows;
  }
}
