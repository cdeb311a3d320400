package com.clidecoder.hls.app;

import com.clidecoder.hls.pipeline.QueueSupervisor;
import com.clidecoder.hls.store.IntakeWriter;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * The order of a stop (SIGTERM, {@link HlsApp#stop}) that loses no delivery. The port stays open and the
 * intake keeps committing and answering 202 while the pipeline drains and until deliveries stop arriving;
 * only then is the port closed, the requests in flight answered, the writer's queue committed and the
 * database closed. Every step has a deadline, so the process exits in bounded time even under a steady
 * stream of deliveries.
 */
final class ShutdownOrder {
  /** No request in flight and none for this long: a burst under way when the signal came has been taken in. */
  static final Duration INTAKE_QUIET = Duration.ofSeconds(1);
  /** Requests still in flight when the port closes get this long to be answered (pekko's terminate). */
  static final Duration REQUESTS_DEADLINE = Duration.ofSeconds(5);

  private ShutdownOrder() {}

  static void register(CoordinatedShutdown shutdown, ServerBinding binding, IntakeWriter intake,
      ActorRef<QueueSupervisor.Command> supervisor, HttpActivity activity, Duration drainDeadline,
      ActorSystem<Void> system, Runnable closeStore) {
    // Both run at once and the phase ends when both are done: in-flight events finish (or return to the
    // queue at the deadline) while new deliveries are still committed; the supervisor claims none of them.
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "drain-pipeline", () ->
        AskPattern.<QueueSupervisor.Command, Done>ask(supervisor, r -> new QueueSupervisor.Drain(drainDeadline, r),
            drainDeadline.plusSeconds(5), system.scheduler()));
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeServiceUnbind(), "await-http-quiet", () ->
        activity.awaitQuiet(INTAKE_QUIET, drainDeadline));
    // unbind, then let the requests on open connections finish; new ones on them get pekko's 503.
    shutdown.addTask(CoordinatedShutdown.PhaseServiceUnbind(), "http-unbind", binding::unbind);
    shutdown.addTask(CoordinatedShutdown.PhaseServiceRequestsDone(), "http-terminate", () ->
        binding.terminate(REQUESTS_DEADLINE).thenApply(t -> Done.getInstance()));
    shutdown.addTask(CoordinatedShutdown.PhaseServiceStop(), "drain-intake", intake::drain);
    shutdown.addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "close-database", () -> {
      closeStore.run();
      return CompletableFuture.completedFuture(Done.getInstance());
    });
  }
}
