package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.ConfigLoader;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.Test;

class JdbcDispatcherTest {
  /**
   * Pekko shuts an unused dispatcher's pool down after its shutdown-timeout (1 s by default) and builds a
   * new one for the next task: with the default, an idle service tore its JDBC threads down after every
   * poll. With the service's settings, a JDBC thread outlives a pause longer than that.
   */
  @Test
  void jdbcThreadsOutliveAPauseBetweenPolls() throws Exception {
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "jdbc-dispatcher-test",
        ConfigLoader.defaults().merged());
    try {
      Executor jdbc = system.dispatchers().lookup(DispatcherSelector.fromConfig("hls-jdbc-dispatcher"));
      Thread worker = CompletableFuture.supplyAsync(Thread::currentThread, jdbc).get(10, TimeUnit.SECONDS);
      Thread.sleep(2_500); // past Pekko's default shutdown-timeout, well inside the pool's 60 s keep-alive
      assertTrue(worker.isAlive(), "the JDBC thread is still there after 2.5 s without work");
    } finally {
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
  }
}
