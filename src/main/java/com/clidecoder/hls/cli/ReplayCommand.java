package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.spool.Spool;
import com.clidecoder.hls.spool.SpoolLocation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * {@code replay [DIR|FILE...]}: sends spooled or saved deliveries through the intake, one after
 * another so each repository's events keep their order, and reports queued/duplicate/ignored counts.
 */
final class ReplayCommand extends OperatorCommand {
  /** Progress is printed every this many deliveries, and at the end. */
  static final int PROGRESS_EVERY = 100;

  @Override
  public String name() {
    return "replay";
  }

  @Override
  public String summary() {
    return "replay [DIR|FILE...]: send spooled or saved deliveries through the intake";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls replay [DIR|FILE...] [--remove] [--config FILE]

        Sends saved webhook deliveries to the running service's intake, in name order, and prints how
        many were queued, duplicate (already stored), ignored and rejected. Without arguments it reads
        the spool of bin/queue-hls-event: hls.spool.dir (env HLS_SPOOL_DIR), relative to the HLS folder.
        The running service also drains that spool by itself (hls.spool.drain-interval).
        An entry is NAME.headers with NAME.body (the spool's format) or NAME.json beside it, or a folder
        holding "headers" and "body.json"; a headers file holds "Name: value" lines with at least
        X-GitHub-Event and X-GitHub-Delivery. Bodies are sent byte for byte, so a saved
        X-Hub-Signature-256 stays valid; an entry without a signature is signed with the configured
        webhook secret. A .body whose .headers is missing is left alone (the spool writes it last).
        --remove deletes each entry the intake took (queued, duplicate or ignored) and moves one it
        refused (4xx) to rejected/ beside it, with NAME.reason saying why.
        Progress goes to stderr every %d deliveries. Exit 1 when any entry was rejected or unreadable.""".formatted(PROGRESS_EVERY);
  }

  @Override
  int execute(List<String> args, Cli cli) throws IOException {
    boolean remove = Cli.takeFlag(args, "--remove");
    HlsConfig config = cli.loadConfig(args).hls();
    for (String a : args) if (a.startsWith("--")) throw new UsageException("unknown option " + a);
    List<Path> roots = new ArrayList<>();
    if (args.isEmpty()) roots.add(SpoolLocation.resolve(config.spool().dir(), cli.env));
    args.forEach(a -> roots.add(Path.of(a)));
    for (Path root : args.isEmpty() ? List.<Path>of() : roots) {
      if (!Files.exists(root)) throw new UsageException(root + " does not exist");
    }
    if (args.isEmpty() && !Files.isDirectory(roots.get(0))) {
      cli.out.println("nothing to replay: no spool folder " + roots.get(0));
      return 0;
    }
    Spool.Listing listing = Spool.list(roots);
    int unreadable = 0;
    for (Path orphan : listing.withoutHeaders()) {
      if (orphan.getFileName().toString().endsWith(".body")) {
        cli.err.println("replay: left " + orphan + ": its .headers is not there (a spool write in progress, or an incomplete entry)");
      } else {
        unreadable++;
        cli.err.println("replay: skipped " + orphan + ": no headers file beside it");
      }
    }
    List<Path> entries = listing.entries();
    if (entries.isEmpty() && unreadable == 0) {
      cli.out.println("nothing to replay in " + roots);
      return 0;
    }
    ServiceClient client = ServiceClient.of(config, cli.env);
    Map<Deliveries.Outcome, Integer> counts = new EnumMap<>(Deliveries.Outcome.class);
    for (Deliveries.Outcome o : Deliveries.Outcome.values()) counts.put(o, 0);
    int done = 0;
    for (Path path : entries) {
      Spool.Entry entry = Spool.read(path);
      if (!entry.readable()) {
        unreadable++;
        cli.err.println("replay: skipped " + path + ": " + entry.problem());
      } else {
        Deliveries.Answer answer;
        try {
          answer = Deliveries.send(client, entry.body(), entry.headers());
        } catch (CliFailure e) {
          throw new CliFailure(e.getMessage() + "; stopped after " + done + " of " + entries.size() + " (" + summary(counts, unreadable) + ")");
        }
        counts.merge(answer.outcome(), 1, Integer::sum);
        if (answer.outcome() == Deliveries.Outcome.REJECTED) {
          cli.err.println("replay: " + path + ": " + answer.describe());
          if (remove && refusedForGood(answer.reply().status())) {
            Spool.reject(path, "HLS refused it (HTTP " + answer.reply().status() + "): " + answer.reply().reason());
            cli.err.println("replay: moved " + path.getFileName() + " to " + path.resolveSibling(Spool.REJECTED));
          }
        } else if (remove) {
          Spool.remove(path);
        }
      }
      done++;
      if (done % PROGRESS_EVERY == 0 && done < entries.size()) {
        cli.err.println("replay: " + done + "/" + entries.size() + " sent (" + summary(counts, unreadable) + ")");
      }
    }
    cli.out.println("replayed " + done + " deliver" + (done == 1 ? "y" : "ies") + ": " + summary(counts, unreadable));
    return counts.get(Deliveries.Outcome.REJECTED) > 0 || unreadable > 0 ? 1 : 0;
  }

  /** A refusal of the entry itself (4xx), not of the moment (408, 429, 5xx): sending it again cannot help. */
  private static boolean refusedForGood(int status) {
    return status >= 400 && status < 500 && status != 408 && status != 429;
  }

  private static String summary(Map<Deliveries.Outcome, Integer> c, int unreadable) {
    return c.get(Deliveries.Outcome.QUEUED) + " queued, " + c.get(Deliveries.Outcome.DUPLICATE) + " duplicate, "
        + c.get(Deliveries.Outcome.IGNORED) + " ignored, " + c.get(Deliveries.Outcome.REJECTED) + " rejected, "
        + unreadable + " unreadable";
  }
}
