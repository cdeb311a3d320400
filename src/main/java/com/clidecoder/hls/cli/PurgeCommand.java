package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.EventStatus;
import com.clidecoder.hls.store.Database;
import com.clidecoder.hls.store.Retention;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code purge [--status S[,S]] [--older-than DAYS]}: deletes final events with their analyses and
 * actions, straight in the database file (the service may keep running: SQLite's WAL lets both work,
 * and the purge commits in small batches). {@code daily_stats} is kept; the /stats counters follow
 * (triggers). The service's daily retention ({@code hls.database.retention}) does the same for every
 * final status.
 */
final class PurgeCommand extends OperatorCommand {
  static final int BATCH = Retention.BATCH;
  private static final Set<EventStatus> DEFAULT_STATUSES = EnumSet.of(EventStatus.COMPLETED, EventStatus.SKIPPED);

  @Override
  public String name() {
    return "purge";
  }

  @Override
  public String summary() {
    return "purge [--status failed] [--older-than DAYS]: delete old final events (daily_stats kept)";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls purge [--status completed,failed,skipped] [--older-than DAYS] [--dry-run] [--config FILE]

        Deletes events of the given final statuses (default: completed,skipped) that finished more than
        DAYS days ago (30 or 30d), with their analyses and GitHub action records, in batches of %d
        (progress on stderr). --older-than is required without --status; with --status and no
        --older-than every such event goes (bin/hls purge --status failed clears the failures).
        Pending, retrying and processing events are never purged, and daily_stats (the per-day volumes
        and cost) is kept. Works on the database file directly (hls.database.path / HLS_DATABASE); the
        service may run. --dry-run only counts what would go.""".formatted(BATCH);
  }

  @Override
  int execute(List<String> args, Cli cli) {
    Optional<String> rawStatuses = Cli.takeOption(args, "--status");
    Optional<String> rawAge = Cli.takeOption(args, "--older-than");
    if (rawStatuses.isEmpty() && rawAge.isEmpty()) {
      throw new UsageException("--older-than DAYS is required (or --status to purge every event of a status)");
    }
    Set<EventStatus> statuses = rawStatuses.map(PurgeCommand::statuses).orElse(DEFAULT_STATUSES);
    int days = rawAge.map(PurgeCommand::days).orElse(0);
    boolean dryRun = Cli.takeFlag(args, "--dry-run");
    HlsConfig config = cli.loadConfig(args).hls();
    Cli.noMoreArgs(args);
    if (!Files.isRegularFile(config.database().path())) {
      throw new CliFailure("no database at " + config.database().path().toAbsolutePath());
    }
    String which = statuses.stream().map(s -> s.code).sorted().collect(Collectors.joining("/"));
    String age = days == 0 ? "" : " older than " + days + " days";
    try (Database db = Database.open(config.database())) {
      Retention retention = new Retention(db);
      Instant now = Instant.now();
      Instant cutoff = days == 0 ? now.plusSeconds(1) : now.minus(Duration.ofDays(days));
      if (dryRun) {
        long n = retention.count(statuses, cutoff);
        cli.out.println(n + " " + which + " event" + (n == 1 ? "" : "s") + age + " would be purged");
        return 0;
      }
      long deleted = retention.delete(statuses, cutoff, BATCH, (soFar, total) -> {
        if (total > 0) cli.err.printf("purge: %d/%d events deleted%n", soFar, total);
      });
      retention.record(Instant.now(), deleted);
      cli.out.println("purged " + deleted + " " + which + " event" + (deleted == 1 ? "" : "s") + age + " (daily_stats kept)");
      return 0;
    }
  }

  private static Set<EventStatus> statuses(String raw) {
    Set<EventStatus> out = EnumSet.noneOf(EventStatus.class);
    for (String code : raw.split(",")) {
      Optional<EventStatus> s = EventStatus.fromCode(code.strip()).filter(Retention.FINAL::contains);
      if (s.isEmpty()) {
        throw new UsageException("--status takes completed, failed or skipped (comma-separated), not '" + code.strip() + "'");
      }
      out.add(s.get());
    }
    return out;
  }

  private static int days(String raw) {
    String digits = raw.strip().endsWith("d") ? raw.strip().substring(0, raw.strip().length() - 1) : raw.strip();
    try {
      int d = Integer.parseInt(digits);
      if (d >= 1 && d <= 36500) return d;
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException("--older-than needs a whole number of days (1 or more, e.g. 30 or 30d), not '" + raw + "'");
  }
}
