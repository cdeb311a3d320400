package com.clidecoder.hls.cli;

import java.util.List;

/** {@code retry ID | --failed}: requeues failed events through the management API. */
final class RetryCommand extends OperatorCommand {
  @Override
  public String name() {
    return "retry";
  }

  @Override
  public String summary() {
    return "retry ID | retry --failed: requeue one failed event or all of them";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls retry ID [--config FILE]
               bin/hls retry --failed [--config FILE]

        Puts failed events back in the queue, due now, with a fresh retry count (POST /api/events/ID/retry
        or POST /api/events/retry-failed). Only failed events are requeued: asking for another one
        exits 1 and says its status. Sends the admin token (hls.admin.token / HLS_ADMIN_TOKEN) when set.""";
  }

  @Override
  int execute(List<String> args, Cli cli) {
    boolean all = Cli.takeFlag(args, "--failed");
    ServiceClient client = ServiceClient.of(cli.loadConfig(args).hls(), cli.env);
    if (all) {
      Cli.noMoreArgs(args);
      long n = ServiceClient.expectOk(client.postAdmin("/api/events/retry-failed")).json().path("count").asLong();
      cli.out.println(n == 0 ? "no failed events" : "requeued " + n + " failed event" + (n == 1 ? "" : "s"));
      return 0;
    }
    if (args.isEmpty()) throw new UsageException("give an event ID or --failed");
    String id = EventsCommand.positive("ID", args.remove(0));
    Cli.noMoreArgs(args);
    ServiceClient.Reply reply = client.postAdmin("/api/events/" + id + "/retry");
    if (!reply.ok()) throw new CliFailure(reply.reason());
    cli.out.println("requeued event " + id);
    return 0;
  }
}
