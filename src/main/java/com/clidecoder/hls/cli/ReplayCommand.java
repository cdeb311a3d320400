package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import java.io.IOException;
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
        the spool folder beside the database (DATABASE_FOLDER/spool, e.g. data/spool).
        A spool entry is a folder with "headers" and "body.json", or NAME.json with NAME.headers beside
        it; a headers file holds "Name: value" lines with at least X-GitHub-Event and X-GitHub-Delivery.
        Bodies are sent byte for byte, so GitHub's X-Hub-Signature-256 stays valid; an entry without a
        signature is signed when a webhook secret is configured.
        --remove deletes each entry the intake took (queued, duplicate or ignored).
        Progress goes to stderr every %d deliveries. Exit 1 when any entry was rejected or unreadable.""".formatted(PROGRESS_EVERY);
  }

  @Override
  int execute(List<String> args, Cli cli) throws IOException {
    boolean remove = Cli.takeFlag(args, "--remove");
    HlsConfig config = cli.loadConfig(args).hls();
    for (String a : args) if (a.startsWith("--")) throw new UsageException("unknown option " + a);
    List<Path> roots = new ArrayList<>();
    if (args.isEmpty()) roots.add(defaultSpool(config));
    args.forEach(a -> roots.add(Path.of(a)));
    List<Path> entries = Spool.entries(roots);
    if (entries.isEmpty()) {
      cli.out.println("nothing to replay in " + roots);
      return 0;
    }
    ServiceClient client = ServiceClient.of(config, cli.env);
    Map<Deliveries.Outcome, Integer> counts = new EnumMap<>(Deliveries.Outcome.class);
    for (Deliveries.Outcome o : Deliveries.Outcome.values()) counts.put(o, 0);
    int unreadable = 0;
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

  static Path defaultSpool(HlsConfig config) {
    Path db = config.database().path().toAbsolutePath();
    return db.getParent().resolve("spool");
  }

  private static String summary(Map<Deliveries.Outcome, Integer> c, int unreadable) {
    return c.get(Deliveries.Outcome.QUEUED) + " queued, " + c.get(Deliveries.Outcome.DUPLICATE) + " duplicate, "
        + c.get(Deliveries.Outcome.IGNORED) + " ignored, " + c.get(Deliveries.Outcome.REJECTED) + " rejected, "
        + unreadable + " unreadable";
  }
}
