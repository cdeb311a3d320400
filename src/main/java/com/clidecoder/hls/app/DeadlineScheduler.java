package com.clidecoder.hls.app;

import com.typesafe.config.Config;
import java.io.Closeable;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractScheduler;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.event.LoggingAdapter;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

/**
 * Pekko's scheduler without a clock tick, selected by {@code pekko.scheduler.implementation} in
 * hls-pekko.conf. Pekko's default (LightArrayRevolverScheduler) wakes every tick-duration (10 ms)
 * whether anything is due or not: on an idle HLS that was about 70% of the process's CPU. This one
 * sleeps until its earliest task is due (one thread of a ScheduledThreadPoolExecutor), so an idle
 * service wakes only for its own timers, and a timer fires when due instead of at the next tick.
 *
 * <p>Pekko's contract for a scheduler: a task it cannot accept is refused with IllegalStateException;
 * on close, the tasks marked {@link Scheduler.TaskRunOnClose} run (the others are dropped, as the
 * default scheduler does).
 */
public final class DeadlineScheduler extends AbstractScheduler implements Closeable {
  private final ScheduledThreadPoolExecutor timer;
  private final LoggingAdapter log;
  private final Set<Runnable> runOnClose = ConcurrentHashMap.newKeySet();

  /** The constructor Pekko calls reflectively when it starts an actor system. */
  public DeadlineScheduler(Config config, LoggingAdapter log, ThreadFactory threadFactory) {
    this.log = log;
    this.timer = new ScheduledThreadPoolExecutor(1, threadFactory);
    // Most timers (asks, request and entity timeouts) are cancelled long before they are due:
    // drop them from the queue at once rather than carrying them until their deadline.
    timer.setRemoveOnCancelPolicy(true);
    timer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    timer.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
  }

  @Override
  public Cancellable scheduleOnce(FiniteDuration delay, Runnable task, ExecutionContext executor) {
    Runnable dispatch = () -> {
      runOnClose.remove(task);
      dispatch(task, executor);
    };
    return accept(task, () -> timer.schedule(dispatch, delay.toNanos(), TimeUnit.NANOSECONDS));
  }

  /** Fixed rate, as Pekko's {@code schedule} and {@code scheduleAtFixedRate} promise. */
  @Override
  public Cancellable schedule(FiniteDuration initialDelay, FiniteDuration interval, Runnable task,
      ExecutionContext executor) {
    if (interval.toNanos() <= 0) throw new IllegalArgumentException("interval must be positive, was " + interval);
    return accept(task, () -> timer.scheduleAtFixedRate(
        () -> dispatch(task, executor), initialDelay.toNanos(), interval.toNanos(), TimeUnit.NANOSECONDS));
  }

  @Override
  public double maxFrequency() {
    return 1000.0; // per second: the timer's resolution is well under a millisecond
  }

  @Override
  public void close() {
    timer.shutdownNow();
    for (Runnable task : runOnClose) {
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error(e, "a scheduled task failed while the scheduler closed");
      }
    }
    runOnClose.clear();
  }

  private Cancellable accept(Runnable task, Supplier<ScheduledFuture<?>> schedule) {
    if (task instanceof Scheduler.TaskRunOnClose) runOnClose.add(task);
    try {
      return new Scheduled(schedule.get(), task, runOnClose);
    } catch (RejectedExecutionException e) {
      runOnClose.remove(task);
      throw new IllegalStateException("the scheduler is closed: no new tasks are accepted");
    }
  }

  /** Runs on the timer thread: hand the task to its executor, never run it here. */
  private static void dispatch(Runnable task, ExecutionContext executor) {
    try {
      executor.execute(task);
    } catch (RuntimeException e) {
      executor.reportFailure(e);
    }
  }

  private record Scheduled(ScheduledFuture<?> future, Runnable task, Set<Runnable> runOnClose)
      implements Cancellable {
    @Override
    public boolean cancel() {
      boolean cancelled = future.cancel(false);
      if (cancelled) runOnClose.remove(task);
      return cancelled;
    }

    @Override
    public boolean isCancelled() {
      return future.isCancelled();
    }
  }
}
