package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.HttpCredentials;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The one place that says who may use which route. Read routes (event API, daily figures, /stats,
 * dashboard, /metrics) answer loopback clients only unless {@code hls.api.public-read}; mutating routes
 * need {@code Authorization: Bearer <hls.admin.token>}, or, with no token configured, a loopback client.
 *
 * <p>"Loopback" is the TCP peer (pekko's remote-address attribute, which needs
 * {@code pekko.http.server.remote-address-attribute = on}), never a header a client can write. nginx on
 * the same host connects from loopback too, so a request carrying a forwarding header counts as remote:
 * whatever nginx exposes under /hls/ is treated as coming from the internet.
 */
public final class Access {
  private static final List<String> FORWARDING_HEADERS = List.of("x-forwarded-for", "forwarded", "x-real-ip");

  private Access() {}

  /** Serves {@code inner} to loopback clients, or to everyone with {@code hls.api.public-read}. */
  public static Route readable(HlsConfig config, Supplier<Route> inner) {
    if (config.api().publicRead()) return inner.get();
    return extractRequest(request -> isLoopback(request)
        ? inner.get()
        : refuse(StatusCodes.FORBIDDEN,
            "read routes answer loopback clients only; set hls.api.public-read = true to serve them to others"));
  }

  /** Serves {@code inner} to holders of the admin token, or with no token configured to loopback clients. */
  public static Route mutating(HlsConfig config, Supplier<Route> inner) {
    return extractRequest(request -> {
      Decision d = decideMutating(config.admin().token(), request);
      if (d.allowed()) return inner.get();
      if (d.status().equals(StatusCodes.UNAUTHORIZED)) {
        return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"hls\""), () -> refuse(d.status(), d.reason()));
      }
      return refuse(d.status(), d.reason());
    });
  }

  /** Why a mutating request is let through or not; a value so it can be checked without a server. */
  record Decision(boolean allowed, StatusCode status, String reason) {
    static final Decision ALLOW = new Decision(true, StatusCodes.OK, "");
  }

  static Decision decideMutating(Optional<Secret> token, HttpRequest request) {
    Optional<String> presented = bearer(request);
    if (token.isEmpty()) {
      if (isLoopback(request)) return Decision.ALLOW;
      return new Decision(false, StatusCodes.FORBIDDEN,
          "management routes answer loopback clients only while hls.admin.token is not set");
    }
    if (presented.isEmpty()) {
      return new Decision(false, StatusCodes.UNAUTHORIZED, "Authorization: Bearer <admin token> is required");
    }
    // Secret.matches compares in constant time, so the answer's timing says nothing about the token.
    if (!token.get().matches(presented.get())) {
      return new Decision(false, StatusCodes.FORBIDDEN, "the admin token does not match");
    }
    return Decision.ALLOW;
  }

  private static Optional<String> bearer(HttpRequest request) {
    return request.getHeader(org.apache.pekko.http.javadsl.model.headers.Authorization.class)
        .map(h -> h.credentials())
        .filter(c -> c.scheme().equalsIgnoreCase("bearer"))
        .map(HttpCredentials::token);
  }

  /** True when the TCP peer is a loopback address and no proxy says it relayed the request. */
  static boolean isLoopback(HttpRequest request) {
    for (String name : FORWARDING_HEADERS) {
      if (request.getHeader(name).isPresent()) return false;
    }
    Optional<InetAddress> peer =
        request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress);
    return peer.map(InetAddress::isLoopbackAddress).orElse(false);
  }

  private static Route refuse(StatusCode status, String reason) {
    return complete(status, JsonReplies.rejected(reason), JsonReplies.JSON);
  }
}
