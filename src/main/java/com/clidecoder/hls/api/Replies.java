package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.method;

import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;

/** Small reply helpers of the management routes, all in the contract's JSON shape. */
final class Replies {
  private Replies() {}

  static Route ok(Object body) {
    return complete(StatusCodes.OK, body, JsonReplies.JSON);
  }

  static Route reject(StatusCode status, String reason) {
    return JsonErrors.rejected(status, reason);
  }

  /** {@code inner} for {@code m}; any other method on the same path is a JSON 405. */
  static Route only(HttpMethod m, Supplier<Route> inner) {
    return concat(method(m, inner), reject(StatusCodes.METHOD_NOT_ALLOWED, "use " + m.name() + " here"));
  }

  /** Anything that escapes a route: the one JSON exception handler of every route ({@link JsonErrors}). */
  static ExceptionHandler exceptions() {
    return JsonErrors.handler();
  }
}
