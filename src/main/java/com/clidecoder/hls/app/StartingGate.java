package com.clidecoder.hls.app;

import com.clidecoder.hls.api.JsonReplies;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;

/**
 * The handler bound before the database opens, so that the port is ours first: until the routes are
 * installed every request is answered 503 with {@code Retry-After} (nothing is acknowledged that is not
 * committed); after, each request goes to the routes, counted in {@link HttpActivity}.
 */
final class StartingGate implements Function<HttpRequest, CompletionStage<HttpResponse>> {
  private final ClassicActorSystemProvider system;
  private final HttpActivity activity = new HttpActivity();
  private volatile Function<HttpRequest, CompletionStage<HttpResponse>> routes;

  StartingGate(ClassicActorSystemProvider system) {
    this.system = system;
  }

  /** The requests the routes are handling; a stop waits for them to stop coming (ShutdownOrder). */
  HttpActivity activity() {
    return activity;
  }

  /** From now on requests go to {@code all} (sealed: rejections and exceptions become JSON answers). */
  void open(Route all) {
    routes = all.handler(system);
  }

  @Override
  public CompletionStage<HttpResponse> apply(HttpRequest request) throws Exception {
    Function<HttpRequest, CompletionStage<HttpResponse>> r = routes;
    if (r != null) {
      activity.arrived();
      CompletionStage<HttpResponse> answer;
      try {
        answer = r.apply(request);
      } catch (Exception | Error e) {
        activity.answered();
        throw e;
      }
      return answer.whenComplete((response, failure) -> activity.answered());
    }
    request.discardEntityBytes(system);
    return CompletableFuture.completedFuture(JsonReplies.unavailable("HLS is starting (opening the database); retry later"));
  }
}
