package com.clidecoder.hls.cli;

import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.spool.DeliveryIds;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code enqueue REPO EVENT ACTION PAYLOAD}: what {@code bin/queue-hls-event} does, in Java. Builds a
 * delivery as GitHub would send it and POSTs it to the intake, so it is validated, signed and stored
 * exactly like a real one.
 */
final class EnqueueCommand extends OperatorCommand {
  @Override
  public String name() {
    return "enqueue";
  }

  @Override
  public String summary() {
    return "enqueue REPO EVENT ACTION PAYLOAD: send one event to the intake (like bin/queue-hls-event)";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls enqueue OWNER/REPO EVENT ACTION PAYLOAD [--delivery ID] [--config FILE]

        POSTs one webhook delivery to the running service's intake (server.webhook-path), as GitHub would:
        X-GitHub-Event EVENT, X-GitHub-Delivery ID (default, with a warning: sha256-<hash of the payload>, so the same payload sent twice is a duplicate), signed with X-Hub-Signature-256
        when a webhook secret is configured. PAYLOAD is a JSON object, @FILE to read one, or - for stdin;
        its "action" and "repository.full_name" are filled in from ACTION and REPO when missing.
        Prints the intake's answer (queued, duplicate, ignored); exit 1 when it was rejected.

        example: bin/hls enqueue octo/demo issues opened '{"issue":{"number":1,"title":"Crash on start"}}'""";
  }

  @Override
  int execute(List<String> args, Cli cli) throws IOException {
    java.util.Optional<String> given = Cli.takeOption(args, "--delivery");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    if (args.size() != 4) throw new UsageException("expected REPO EVENT ACTION PAYLOAD, got " + args.size() + " argument(s)");
    String repo = args.get(0);
    String event = args.get(1);
    String action = args.get(2);
    if (!repo.matches("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")) throw new UsageException("REPO must be OWNER/NAME, not '" + repo + "'");
    if (!event.matches("[a-z][a-z0-9_]*")) throw new UsageException("EVENT must be a GitHub event name such as issues, not '" + event + "'");
    byte[] body = Json.MAPPER.writeValueAsBytes(payload(args.get(3), repo, action));
    String delivery = given.orElseGet(() -> DeliveryIds.derivedFrom(body));
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("X-GitHub-Event", event);
    headers.put("X-GitHub-Delivery", delivery);
    headers.put("User-Agent", "hls-enqueue");
    Deliveries.Answer answer = Deliveries.send(client, body, headers);
    if (given.isEmpty()) {
      // Said once the intake answered (an unreachable service stays one line). A made-up random id would
      // make a second send of the same payload a second event, and a second comment.
      cli.err.println("enqueue: WARNING: no --delivery given; used " + delivery
          + ", derived from the payload, so sending the same payload again is a duplicate");
    }
    if (answer.outcome() == Deliveries.Outcome.REJECTED) throw new CliFailure(answer.describe());
    cli.out.println(answer.describe());
    return 0;
  }

  private static ObjectNode payload(String raw, String repo, String action) throws IOException {
    String text;
    if (raw.equals("-")) {
      text = new String(System.in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } else if (raw.startsWith("@")) {
      Path file = Path.of(raw.substring(1));
      if (!Files.isRegularFile(file)) throw new UsageException("payload file " + file + " does not exist");
      text = Files.readString(file);
    } else {
      text = raw;
    }
    JsonNode node;
    try {
      node = Json.MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw new UsageException("PAYLOAD is not valid JSON: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject()) throw new UsageException("PAYLOAD must be a JSON object");
    ObjectNode payload = (ObjectNode) node;
    if (!payload.has("action")) payload.put("action", action);
    if (!payload.path("repository").isObject()) payload.putObject("repository");
    ObjectNode repository = (ObjectNode) payload.get("repository");
    if (!repository.has("full_name")) {
      repository.put("full_name", repo);
      repository.put("name", repo.substring(repo.indexOf('/') + 1));
      if (!repository.has("owner")) repository.putObject("owner").put("login", repo.substring(0, repo.indexOf('/')));
    }
    return payload;
  }
}
