package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals in the contract's JSON shape, and an exception handler that keeps that shape: a body over
 * the size limit is a 413, anything else that escapes a route is a bug answered with a JSON 500
 * (never a stack trace).
 */
public final class JsonErrors {
  private static final Logger log = LoggerFactory.getLogger(JsonErrors.class);

  private JsonErrors() {}

  /** {@code {"status":"rejected","reason":...}} with {@code status}. */
  public static Route rejected(StatusCode status, String reason) {
    return complete(status, JsonReplies.rejected(reason), JsonReplies.JSON);
  }

  public static ExceptionHandler handler() {
    return ExceptionHandler.newBuilder()
        .matchAny(e -> {
          if (isTooLarge(e)) return rejected(StatusCodes.CONTENT_TOO_LARGE, "body exceeds the size limit");
          log.error("event=route_failed error={}", e.toString(), e);
          return rejected(StatusCodes.INTERNAL_SERVER_ERROR, "internal error");
        })
        .build();
  }

  /** True when {@code e} (or a cause) is pekko's signal that an entity went over its size limit. */
  public static boolean isTooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EntityStreamSizeException) return true;
    }
    return false;
  }
}
