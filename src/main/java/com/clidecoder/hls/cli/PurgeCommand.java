package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.EventQueries;
import com.clidecoder.hls.store.EventStore;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code purge --older-than DAYS}: deletes old completed and skipped events with their analyses and
 * actions, straight in the database file (the service may keep running: SQLite's WAL lets both work,
 * and the purge commits in small batches). {@code daily_stats} is kept.
 */
final class PurgeCommand extends OperatorCommand {
  static final int BATCH = 500;

  @Override
  public String name() {
    return "purge";
  }

  @Override
  public String summary() {
    return "purge --older-than DAYS: delete old completed/skipped events (daily_stats kept)";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls purge --older-than DAYS [--dry-run] [--config FILE]

        Deletes completed and skipped events that finished more than DAYS days ago, with their analyses
        and GitHub action records, in batches of %d (progress on stderr). Pending, retrying, processing
        and failed events are never purged, and daily_stats (the per-day volumes and cost) is kept.
        Works on the database file directly (hls.database.path / HLS_DATABASE); the service may run.
        --dry-run only counts what would go.""".formatted(BATCH);
  }

  @Override
  int execute(List<String> args, Cli cli) {
    String raw = Cli.takeOption(args, "--older-than")
        .orElseThrow(() -> new UsageException("--older-than DAYS is required"));
    int days = days(raw);
    boolean dryRun = Cli.takeFlag(args, "--dry-run");
    HlsConfig config = cli.loadConfig(args).hls();
    Cli.noMoreArgs(args);
    if (!Files.isRegularFile(config.database().path())) {
      throw new CliFailure("no database at " + config.database().path().toAbsolutePath());
    }
    try (Database db = Database.open(config.database())) {
      EventQueries queries = new EventQueries(db, new EventStore(db));
      Instant now = Instant.now();
      Duration age = Duration.ofDays(days);
      if (dryRun) {
        long n = queries.countPurgeable(now.minus(age));
        cli.out.println(n + " completed/skipped event" + (n == 1 ? "" : "s") + " older than " + days + " days would be purged");
        return 0;
      }
      long deleted = queries.purge(age, now, BATCH, (soFar, total) -> {
        if (total > 0) cli.err.printf("purge: %d/%d events deleted%n", soFar, total);
      });
      cli.out.println("purged " + deleted + " completed/skipped event" + (deleted == 1 ? "" : "s")
          + " older than " + days + " days (daily_stats kept)");
      return 0;
    }
  }

  private static int days(String raw) {
    try {
      int d = Integer.parseInt(raw.strip());
      if (d >= 1 && d <= 36500) return d;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--older-than needs a whole number of days (1 or more), not '" + raw + "'");
  }
}
