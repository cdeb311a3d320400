package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.testkit.TestConfigs;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.Cancellable;
import org.apache.pekko.actor.Scheduler;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.event.NoLogging$;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.concurrent.ExecutionContext;
import scala.concurrent.duration.FiniteDuration;

class DeadlineSchedulerTest {
  private ExecutorService pool;
  private ExecutionContext executor;
  private DeadlineScheduler scheduler;

  @BeforeEach
  void start() {
    pool = Executors.newFixedThreadPool(2, r -> new Thread(r, "test-executor"));
    executor = ExecutionContext.fromExecutorService(pool);
    scheduler = new DeadlineScheduler(ConfigFactory.empty(), NoLogging$.MODULE$, r -> new Thread(r, "test-timer"));
  }

  @AfterEach
  void stop() {
    scheduler.close();
    pool.shutdownNow();
  }

  private static FiniteDuration millis(long ms) {
    return FiniteDuration.create(ms, TimeUnit.MILLISECONDS);
  }

  /** Returns once the timer thread has handed a task due now to {@code on} and that task has run. */
  private void timerFence(ExecutionContext on) throws InterruptedException {
    CountDownLatch fence = new CountDownLatch(1);
    scheduler.scheduleOnce(millis(1), fence::countDown, on);
    assertTrue(fence.await(10, TimeUnit.SECONDS), "the timer thread handed over a task due now");
  }

  private void timerFence() throws InterruptedException {
    timerFence(executor);
  }

  @Test
  void runsOnceNoSoonerThanItsDelayOnTheGivenExecutor() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    AtomicReference<String> thread = new AtomicReference<>();
    AtomicLong ranAt = new AtomicLong();
    long start = System.nanoTime();
    scheduler.scheduleOnce(millis(120), () -> {
      ranAt.set(System.nanoTime());
      thread.set(Thread.currentThread().getName());
      ran.countDown();
    }, executor);
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    assertTrue(ranAt.get() - start >= TimeUnit.MILLISECONDS.toNanos(120), "ran before its delay");
    assertEquals("test-executor", thread.get(), "tasks run on their executor, not on the timer thread");
  }

  @Test
  void aCancelledTaskNeverRuns() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    // Due in 1 s, so that even a test thread held up by a loaded machine cancels it before it is due.
    Cancellable c = scheduler.scheduleOnce(millis(1000), runs::incrementAndGet, executor);
    assertTrue(c.cancel());
    assertTrue(c.isCancelled());
    CountDownLatch later = new CountDownLatch(1);
    scheduler.scheduleOnce(millis(1200), later::countDown, executor);
    assertTrue(later.await(5, TimeUnit.SECONDS));
    assertEquals(0, runs.get());
    assertFalse(c.cancel(), "a second cancel reports nothing cancelled");
  }

  @Test
  void cancellingATaskThatRanReportsFalse() throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    Cancellable c = scheduler.scheduleOnce(millis(1), ran::countDown, executor);
    assertTrue(ran.await(5, TimeUnit.SECONDS));
    // The task ran on the executor, but the timer thread may not yet have marked it done: its next task
    // starts only once it has, so the timer has finished with this one when that next task runs.
    timerFence();
    assertFalse(c.cancel());
    assertFalse(c.isCancelled());
  }

  @Test
  void aRecurringTaskRepeatsUntilCancelled() throws Exception {
    // One executor thread, so that runs land in the order the timer hands them over.
    ExecutorService one = Executors.newSingleThreadExecutor();
    try {
      ExecutionContext inOrder = ExecutionContext.fromExecutorService(one);
      AtomicInteger runs = new AtomicInteger();
      CountDownLatch three = new CountDownLatch(3);
      Cancellable c = scheduler.schedule(millis(0), millis(30), () -> {
        runs.incrementAndGet();
        three.countDown();
      }, inOrder);
      assertTrue(three.await(5, TimeUnit.SECONDS));
      assertTrue(c.cancel());
      // A run the timer handed over before the cancel may still land: it lands before a task the timer
      // hands over later, on the same executor.
      timerFence(inOrder);
      int afterCancel = runs.get();
      Thread.sleep(300); // ten intervals: a recurring task that was not cancelled runs again meanwhile
      assertEquals(afterCancel, runs.get(), "no runs after cancel");
    } finally {
      one.shutdownNow();
    }
    assertThrows(IllegalArgumentException.class,
        () -> scheduler.schedule(millis(0), millis(0), () -> {}, executor));
  }

  @Test
  void closeRunsOnlyTheTasksMarkedRunOnCloseThenRefusesNewOnes() {
    AtomicInteger plain = new AtomicInteger();
    AtomicInteger onClose = new AtomicInteger();
    scheduler.scheduleOnce(millis(60_000), plain::incrementAndGet, executor);
    scheduler.scheduleOnce(millis(60_000), (Scheduler.TaskRunOnClose) onClose::incrementAndGet, executor);
    Cancellable cancelled =
        scheduler.scheduleOnce(millis(60_000), (Scheduler.TaskRunOnClose) onClose::incrementAndGet, executor);
    cancelled.cancel();
    scheduler.close();
    assertEquals(1, onClose.get(), "the pending run-on-close task ran once, the cancelled one not at all");
    assertEquals(0, plain.get());
    assertThrows(IllegalStateException.class, () -> scheduler.scheduleOnce(millis(1), () -> {}, executor));
  }

  @Test
  void anActorSystemOnHlsConfigUsesItAndTypedTimersFire(@TempDir Path dir) {
    ActorTestKit kit = ActorTestKit.create("scheduler-test", TestConfigs.load(dir, "").merged());
    try {
      assertInstanceOf(DeadlineScheduler.class, Adapter.toClassic(kit.system()).scheduler());
      TestProbe<String> probe = kit.createTestProbe();
      kit.spawn(Behaviors.<String>withTimers(timers -> {
        timers.startSingleTimer("due", Duration.ofMillis(50));
        return Behaviors.receiveMessage(m -> {
          probe.ref().tell(m);
          return Behaviors.same();
        });
      }));
      probe.expectMessage(Duration.ofSeconds(5), "due");
    } finally {
      kit.shutdownTestKit();
    }
  }
}
