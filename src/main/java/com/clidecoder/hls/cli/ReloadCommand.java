package com.clidecoder.hls.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** {@code reload}: asks the running service to re-read its configuration file. */
final class ReloadCommand extends OperatorCommand {
  @Override
  public String name() {
    return "reload";
  }

  @Override
  public String summary() {
    return "make the running service re-read its configuration file";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls reload [--config FILE]

        POST /api/reload (the same as SIGHUP or systemctl reload hls): the service re-reads the file it
        was started with. Repositories, event rules, labels, prompts and budgets apply to the next event.
        An invalid file is refused with one line per problem (exit 1) and the running configuration stays.
        Keys that only apply after a restart (server.host/port/webhook-path, database.*) are listed.
        --config here only tells where to find the service and its admin token.""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    Cli.noMoreArgs(args);
    ServiceClient.Reply reply = client.postAdmin("/api/reload");
    JsonNode body = reply.json();
    if (reply.status() == 422) {
      cli.err.println("hls reload: the service refused the file; its running configuration stays:");
      body.path("problems").forEach(p -> cli.err.println("  " + p.asText()));
      return 1;
    }
    ServiceClient.expectOk(reply);
    cli.out.println("configuration reloaded");
    for (JsonNode key : body.path("restart_required")) {
      cli.out.println("  needs a restart to apply: hls." + key.asText());
    }
    for (JsonNode failure : body.path("listener_failures")) {
      cli.err.println("  a component could not take the new configuration: " + failure.asText());
    }
    return body.path("listener_failures").size() > 0 ? 1 : 0;
  }
}
