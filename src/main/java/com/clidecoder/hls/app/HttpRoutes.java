package com.clidecoder.hls.app;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractUnmatchedPath;

import com.clidecoder.hls.api.JsonReplies;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/** Every HTTP route of the service in one tree, with a JSON 404 for anything else. */
final class HttpRoutes {
  private HttpRoutes() {}

  static Route all(Route... routes) {
    Route notFound =
        extractUnmatchedPath(path -> complete(StatusCodes.NOT_FOUND, JsonReplies.rejected("no route for " + path), JsonReplies.JSON));
    Route[] withFallback = java.util.Arrays.copyOf(routes, routes.length + 1);
    withFallback[routes.length] = notFound;
    return concat(withFallback[0], java.util.Arrays.copyOfRange(withFallback, 1, withFallback.length));
  }
}
