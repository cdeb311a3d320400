package com.clidecoder.hls.spool;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Empties the handler path's spool by itself: at start and every {@code hls.spool.drain-interval} it
 * sends the waiting entries, one at a time in name order (so a repository's events keep their order),
 * through the service's own intake. An entry is deleted only after the intake took it (202 queued, 200
 * duplicate or ignored); one the intake refuses moves to {@code rejected/} with its reason; a busy or
 * stopping service (5xx, 408, 429, no connection) ends the round and the entry waits for the next.
 * File I/O runs on {@code io} (the JDBC executor), never on the actor's thread.
 */
public final class SpoolDrainer {
  private static final Logger log = LoggerFactory.getLogger(SpoolDrainer.class);
  private static final Object TIMER = "drain";

  public sealed interface Command {}

  /** Send what is waiting now (the timer's tick; also used by tests). */
  public record Drain() implements Command {}

  private record Listed(List<Path> entries, Throwable failure) implements Command {}

  private record Read(Spool.Entry entry) implements Command {}

  private record Answered(Spool.Entry entry, LoopbackIntake.Answer answer, Throwable failure) implements Command {}

  private record Settled(Path entry, String what, Throwable failure) implements Command {}

  private final ActorContext<Command> ctx;
  private final Path dir;
  private final Executor io;
  private final LoopbackIntake intake;
  private final Runnable onDrained;
  /** Entries taken in the current round, for its one log line. */
  private int takenThisRound;

  private SpoolDrainer(ActorContext<Command> ctx, Path dir, Executor io, LoopbackIntake intake, Runnable onDrained) {
    this.ctx = ctx;
    this.dir = dir;
    this.io = io;
    this.intake = intake;
    this.onDrained = onDrained;
  }

  /** @param onDrained called (on the actor's thread, must not block) for every entry the intake took */
  public static Behavior<Command> create(Path dir, Duration interval, Executor io, LoopbackIntake intake, Runnable onDrained) {
    return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
      startTimer(timers, interval);
      ctx.getSelf().tell(new Drain());
      log.info("event=spool_drainer_started dir={} interval={} intake={}", dir, interval, intake);
      return new SpoolDrainer(ctx, dir, io, intake, onDrained).idle();
    }));
  }

  private static void startTimer(TimerScheduler<Command> timers, Duration interval) {
    timers.startTimerWithFixedDelay(TIMER, new Drain(), interval);
  }

  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Drain.class, m -> startRound())
        .onMessage(Listed.class, this::onListed)
        .build();
  }

  /** One round in progress: {@code waiting} are the entries still to send; a Drain meanwhile is ignored. */
  private Behavior<Command> draining(ArrayDeque<Path> waiting) {
    return Behaviors.receive(Command.class)
        .onMessage(Drain.class, m -> Behaviors.same())
        .onMessage(Listed.class, this::onListed)
        .onMessage(Read.class, m -> onRead(m, waiting))
        .onMessage(Answered.class, m -> onAnswered(m, waiting))
        .onMessage(Settled.class, m -> onSettled(m, waiting))
        .build();
  }

  private Behavior<Command> startRound() {
    takenThisRound = 0;
    ctx.pipeToSelf(CompletableFuture.supplyAsync(this::listWaiting, io), (entries, err) -> new Listed(entries, err));
    return draining(new ArrayDeque<>());
  }

  private List<Path> listWaiting() {
    try {
      // A spool that was never created has nothing waiting; the drainer does not create it (the install does).
      return java.nio.file.Files.isDirectory(dir) ? Spool.list(List.of(dir)).entries() : List.of();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private Behavior<Command> onListed(Listed m) {
    if (m.failure() != null) {
      log.warn("event=spool_unreadable dir={} error={}", dir, m.failure().getMessage());
      return idle();
    }
    return next(new ArrayDeque<>(m.entries()));
  }

  private Behavior<Command> next(ArrayDeque<Path> waiting) {
    Path entry = waiting.poll();
    if (entry == null) {
      if (takenThisRound > 0) log.info("event=spool_drained dir={} sent={}", dir, takenThisRound);
      return idle();
    }
    ctx.pipeToSelf(CompletableFuture.supplyAsync(() -> Spool.read(entry), io), (e, err) ->
        new Read(err == null ? e : new Spool.Entry(entry, new byte[0], java.util.Map.of(), "cannot be read: " + err.getMessage())));
    return draining(waiting);
  }

  private Behavior<Command> onRead(Read m, ArrayDeque<Path> waiting) {
    Spool.Entry entry = m.entry();
    if (!entry.readable()) return settle(entry.path(), "rejected", () -> Spool.reject(entry.path(), "unreadable: " + entry.problem()), waiting);
    CompletionStage<LoopbackIntake.Answer> sent;
    try {
      sent = intake.send(entry.body(), entry.headers());
    } catch (IllegalArgumentException badHeader) { // the JDK client refuses a header name or value
      return settle(entry.path(), "rejected", () -> Spool.reject(entry.path(), "its headers cannot be sent: " + badHeader.getMessage()), waiting);
    }
    ctx.pipeToSelf(sent, (answer, err) -> new Answered(entry, answer, err));
    return draining(waiting);
  }

  private Behavior<Command> onAnswered(Answered m, ArrayDeque<Path> waiting) {
    Path path = m.entry().path();
    LoopbackIntake.Answer a = m.answer();
    if (m.failure() != null || a.retryLater()) {
      String why = m.failure() != null ? String.valueOf(m.failure().getMessage()) : "HTTP " + a.httpStatus() + ": " + a.reason();
      log.warn("event=spool_round_stopped entry={} left={} reason={}", path.getFileName(), waiting.size() + 1, why);
      return idle();
    }
    if (a.taken()) {
      onDrained.run();
      takenThisRound++;
      return settle(path, "removed", () -> Spool.remove(path), waiting);
    }
    String reason = "HLS refused it (HTTP " + a.httpStatus() + "): " + a.reason()
        + (a.httpStatus() == 401 ? " (a saved X-Hub-Signature-256 that does not match these bytes: remove that line from"
            + " the .headers file, move both files back to the spool and the secret in force signs it)" : "");
    log.warn("event=spool_rejected entry={} status={} reason={}", path.getFileName(), a.httpStatus(), a.reason());
    return settle(path, "rejected", () -> Spool.reject(path, reason), waiting);
  }

  private interface FileStep {
    void run() throws IOException;
  }

  private Behavior<Command> settle(Path entry, String what, FileStep step, ArrayDeque<Path> waiting) {
    ctx.pipeToSelf(CompletableFuture.runAsync(() -> {
      try {
        step.run();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }, io), (ok, err) -> new Settled(entry, what, err));
    return draining(waiting);
  }

  private Behavior<Command> onSettled(Settled m, ArrayDeque<Path> waiting) {
    Throwable cause = m.failure() instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : m.failure();
    if (cause instanceof java.io.UncheckedIOException u) cause = u.getCause();
    if (cause != null && !(cause instanceof NoSuchFileException)) {
      // Not removable (permissions): stop, or the same entry would be sent again at once; it is a duplicate next time.
      log.warn("event=spool_entry_not_{} entry={} error={}", m.what(), m.entry(), cause.toString());
      return idle();
    }
    return next(waiting);
  }
}
