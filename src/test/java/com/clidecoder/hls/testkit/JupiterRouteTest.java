package com.clidecoder.hls.testkit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.RouteResult;
import org.apache.pekko.http.javadsl.testkit.RouteTest;
import org.apache.pekko.http.javadsl.testkit.TestRouteResult;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.SystemMaterializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import scala.concurrent.Future;
import scala.concurrent.duration.FiniteDuration;

/**
 * pekko-http-testkit's {@code testRoute(...).run(request)} on JUnit 5. The testkit's own
 * {@code JUnitRouteTest} is built on JUnit 4 rules and asserts, which this build does not carry; this
 * base gives the same API with one actor system per test class and JUnit 5 assertions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class JupiterRouteTest extends RouteTest {
  private ActorSystem system;
  private Materializer materializer;

  /** Config laid over {@code reference.conf} for this class's actor system. */
  protected Config additionalConfig() {
    return ConfigFactory.empty();
  }

  @BeforeAll
  void startActorSystem() {
    system = ActorSystem.create(getClass().getSimpleName(), additionalConfig().withFallback(ConfigFactory.load()));
    materializer = SystemMaterializer.get(system).materializer();
  }

  @AfterAll
  void stopActorSystem() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(Duration.ofSeconds(20).toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public ActorSystem system() {
    return system;
  }

  @Override
  public Materializer materializer() {
    return materializer;
  }

  /**
   * How long {@code run(request)} waits for the route's answer. The testkit's 3 s is short for a webhook
   * whose answer follows a SQLite commit on a loaded CI machine; tests that time something (the commit
   * timeout) bound it themselves, well inside this.
   */
  @Override
  public FiniteDuration awaitDuration() {
    return FiniteDuration.create(20, TimeUnit.SECONDS);
  }

  @Override
  public TestRouteResult createTestRouteResultAsync(HttpRequest request, Future<RouteResult> result) {
    return new TestRouteResult(result, awaitDuration(), system.dispatcher(), materializer) {
      @Override
      public void fail(String message) {
        Assertions.fail(message);
      }

      @Override
      public void assertEquals(Object expected, Object actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertEquals(int expected, int actual, String message) {
        Assertions.assertEquals(expected, actual, message);
      }

      @Override
      public void assertTrue(boolean predicate, String message) {
        Assertions.assertTrue(predicate, message);
      }
    };
  }
}
