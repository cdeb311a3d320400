package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code deliveries [redeliver]}: the reconciler on demand, through the running service. */
final class DeliveriesCommand extends OperatorCommand {
  /** The service allows a pass 15 minutes (DeliveriesRoute.PASS_TIMEOUT); the CLI waits a little longer. */
  private static final Duration WAIT = Duration.ofMinutes(16);

  @Override
  public String name() {
    return "deliveries";
  }

  @Override
  public String summary() {
    return "deliveries [redeliver]: list lost webhook deliveries, or ask GitHub to redeliver them";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls deliveries [--since 24h] [--json] [--config FILE]
               bin/hls deliveries redeliver [--since 24h] [--dry-run] [--json] [--config FILE]

        Lists the webhook's recent deliveries (the GitHub App's hook, and hls.reconcile.hooks) and shows the
        gaps: deliveries of events HLS handles whose last attempt failed and which HLS never received.
        'redeliver' runs one reconcile pass now: GitHub is asked to redeliver each gap once (at most
        hls.reconcile.max-redeliveries, paced), and the deliveries arrive through the intake as usual.
        --dry-run shows what would be asked. --since defaults to hls.reconcile.lookback.
        Exit 1 when a hook could not be read (the reason names the missing permission) or an ask failed.
        Sends the admin token (hls.admin.token / HLS_ADMIN_TOKEN) when set: each call uses GitHub's quota.""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    boolean redeliver = !args.isEmpty() && args.get(0).equals("redeliver");
    if (redeliver) args.remove(0);
    boolean dryRun = Cli.takeFlag(args, "--dry-run");
    if (dryRun && !redeliver) throw new UsageException("--dry-run goes with 'deliveries redeliver'");
    boolean json = Cli.takeFlag(args, "--json");
    Optional<String> since = Cli.takeOption(args, "--since");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    Cli.noMoreArgs(args);
    List<String> query = new ArrayList<>();
    since.ifPresent(s -> query.add("since=" + java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8)));
    if (dryRun) query.add("dry_run=true");
    String path = (redeliver ? "/api/deliveries/redeliver" : "/api/deliveries") + (query.isEmpty() ? "" : "?" + String.join("&", query));
    ServiceClient.Reply reply = client.adminCall(redeliver ? "POST" : "GET", path, WAIT);
    if (!reply.ok()) throw new CliFailure(reply.reason());
    JsonNode r = reply.json();
    if (json) {
      cli.out.println(r.toPrettyString());
    } else {
      print(r, redeliver, cli);
    }
    boolean hookProblem = false;
    for (JsonNode h : r.path("hooks")) hookProblem |= h.path("problem").isTextual();
    return hookProblem || r.path("redeliveries_failed").asLong() > 0 ? 1 : 0;
  }

  private static void print(JsonNode r, boolean redeliver, Cli cli) {
    cli.out.println("deliveries since " + r.path("since").asText() + (r.path("dry_run").asBoolean() ? " (dry run)" : ""));
    for (JsonNode h : r.path("hooks")) {
      if (h.path("problem").isTextual()) {
        cli.err.println("  " + h.path("hook").asText() + ": " + h.path("problem").asText());
      } else {
        cli.out.println("  " + h.path("hook").asText() + ": " + h.path("listed").asInt() + " listed, "
            + h.path("gaps").asInt() + " lost");
      }
    }
    JsonNode gaps = r.path("gaps");
    if (gaps.isEmpty()) {
      cli.out.println("no lost deliveries");
      return;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode g : gaps) {
      String event = g.path("event").asText() + (g.path("action").isTextual() ? "." + g.path("action").asText() : "");
      rows.add(List.of(g.path("delivered_at").asText(), event, g.path("guid").asText(),
          g.path("status_code").asInt() == 0 ? "no answer" : "HTTP " + g.path("status_code").asInt(),
          redeliver ? g.path("outcome").asText() : g.path("delivery_id").asText()));
    }
    cli.out.print(Text.table(List.of("delivered at", "event", "guid", "status", redeliver ? "redelivery" : "delivery id"), rows));
    if (redeliver) {
      cli.out.println(r.path("redeliveries_asked").asLong() + " redelivery(ies) asked, "
          + r.path("redeliveries_failed").asLong() + " failed");
    }
  }
}
