package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;

/** {@code events list} and {@code events show ID}: the queue through the management API. */
final class EventsCommand extends OperatorCommand {
  @Override
  public String name() {
    return "events";
  }

  @Override
  public String summary() {
    return "events list [--status S] [--repo R] [--limit N] | events show ID";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls events [list] [--status S] [--repo OWNER/NAME] [--type EVENT] [--limit N] [--before-id ID] [--json]
               bin/hls events show ID [--json]
               (both take --config FILE)

        list: newest first (GET /api/events). S is one of pending, processing, retry, completed, failed,
        skipped; N is 1..500 (default 50). When more events match, the last line says which
        --before-id shows the next page.
        show: one event with its payload summary (title, number, sender, link), what HLS decided (the
        labels and comment it planned, with each action's status and dry run, or that the analysis
        abstained and why), every analysis (summary, labels, comment, cost) and every GitHub action
        (GET /api/events/ID).""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    String sub = args.isEmpty() || args.get(0).startsWith("--") ? "list" : args.remove(0); // bare 'events' lists
    return switch (sub) {
      case "list" -> list(args, cli);
      case "show" -> show(args, cli);
      default -> throw new UsageException("unknown 'events " + sub + "'; expected list or show");
    };
  }

  private int list(List<String> args, Cli cli) {
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    Cli.takeOption(args, "--status").ifPresent(v -> query.add("status=" + enc(v)));
    Cli.takeOption(args, "--repo").ifPresent(v -> query.add("repo=" + enc(v)));
    Cli.takeOption(args, "--type").ifPresent(v -> query.add("type=" + enc(v)));
    Cli.takeOption(args, "--limit").ifPresent(v -> query.add("limit=" + enc(positive("--limit", v))));
    Cli.takeOption(args, "--before-id").ifPresent(v -> query.add("before_id=" + enc(positive("--before-id", v))));
    boolean json = Cli.takeFlag(args, "--json");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    Cli.noMoreArgs(args);
    JsonNode page = ServiceClient.expectOk(client.get("/api/events" + query)).json();
    if (json) {
      cli.out.println(page.toPrettyString());
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (JsonNode e : page.path("events")) {
      rows.add(List.of(
          e.path("id").asText(),
          e.path("status").asText(),
          e.path("event_type").asText() + (e.path("action").isTextual() ? "." + e.path("action").asText() : ""),
          e.path("repository").asText(),
          e.path("created_at").asText(),
          e.path("retry_count").asText(),
          detail(e)));
    }
    if (rows.isEmpty()) {
      cli.out.println("no events match");
      return 0;
    }
    cli.out.print(Text.table(List.of("ID", "STATUS", "EVENT", "REPOSITORY", "CREATED", "RETRIES", "SUMMARY / ERROR"), rows));
    JsonNode next = page.path("next_before_id");
    if (next.isNumber()) cli.out.println("more: bin/hls events list --before-id " + next.asLong() + " (same filters)");
    return 0;
  }

  private static String detail(JsonNode e) {
    if (e.path("error_message").isTextual()) {
      // A skipped event's message already says "skipped: <reason>"; only failures read as errors.
      String message = e.path("error_message").asText();
      return Text.oneLine("skipped".equals(e.path("status").asText()) ? message : "error: " + message, 80);
    }
    if (e.path("summary").isTextual()) return Text.oneLine(e.path("summary").asText(), 80);
    return "";
  }

  private int show(List<String> args, Cli cli) {
    boolean json = Cli.takeFlag(args, "--json");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    if (args.isEmpty()) throw new UsageException("events show needs an event ID");
    String id = positive("ID", args.remove(0));
    Cli.noMoreArgs(args);
    ServiceClient.Reply reply = client.get("/api/events/" + id);
    if (reply.status() == 404) throw new CliFailure("no event " + id);
    JsonNode e = ServiceClient.expectOk(reply).json();
    if (json) {
      cli.out.println(e.toPrettyString());
      return 0;
    }
    JsonNode p = e.path("payload_summary");
    cli.out.println("Event " + e.path("id").asText() + "  " + e.path("event_type").asText()
        + (e.path("action").isTextual() ? "." + e.path("action").asText() : "") + "  " + e.path("repository").asText());
    cli.out.print(Text.pairs(List.of(
        new String[] {"status", e.path("status").asText() + " (retries " + e.path("retry_count").asText() + ")"},
        new String[] {"delivery", e.path("delivery_id").asText()},
        new String[] {"title", Text.text(p.path("title")) + (p.path("number").isNumber() ? " #" + p.path("number").asText() : "")},
        new String[] {"sender", Text.text(p.path("sender"))},
        new String[] {"url", Text.text(p.path("url"))},
        new String[] {"created", Text.text(e.path("created_at"))},
        new String[] {"started", Text.text(e.path("started_at"))},
        new String[] {"completed", Text.text(e.path("completed_at"))},
        new String[] {"error", Text.text(e.path("error_message"))},
        new String[] {"decision", Text.text(e.path("decision").path("text"))})));
    cli.out.println("Analyses (" + e.path("analyses").size() + ")");
    for (JsonNode a : e.path("analyses")) {
      cli.out.println("  - " + a.path("provider").asText() + " " + Text.text(a.path("model")) + " at " + a.path("created_at").asText()
          + ": priority " + Text.text(a.path("priority")) + ", confidence " + Text.text(a.path("confidence"))
          + ", " + a.path("input_tokens").asLong() + "+" + a.path("output_tokens").asLong() + " tokens, "
          + Text.usd(a.path("cost_usd").asDouble()) + ", " + a.path("processing_time_ms").asLong() + " ms");
      cli.out.println("    summary: " + Text.text(a.path("summary")));
      cli.out.println("    labels:  " + labels(a.path("labels")));
      if (a.path("comment").isTextual()) {
        cli.out.println("    comment:");
        a.path("comment").asText().lines().forEach(l -> cli.out.println("      " + l));
      }
    }
    cli.out.println("Actions (" + e.path("actions").size() + ")");
    for (JsonNode a : e.path("actions")) {
      cli.out.println("  - " + a.path("kind").asText() + " " + a.path("target").asText() + ": " + a.path("status").asText()
          + (a.path("dry_run").asBoolean() ? " (dry run)" : "")
          + (a.path("reason").isTextual() ? ", " + a.path("reason").asText() : "")
          + (a.path("github_id").isTextual() ? ", github id " + a.path("github_id").asText() : ""));
    }
    return 0;
  }

  private static String labels(JsonNode labels) {
    List<String> names = new ArrayList<>();
    labels.forEach(l -> names.add(l.asText()));
    return names.isEmpty() ? "-" : String.join(", ", names);
  }

  static String positive(String what, String raw) {
    try {
      if (Long.parseLong(raw) > 0) return raw;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(what + " must be a positive whole number, not '" + raw + "'");
  }

  private static String enc(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }
}
