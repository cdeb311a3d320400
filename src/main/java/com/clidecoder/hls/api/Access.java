package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
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
 * dashboard, /metrics) answer loopback clients, holders of the read token ({@code hls.api.read-token})
 * or the admin token (as {@code Authorization: Bearer}, or the dashboard's login cookie, see
 * {@link ReadSession}), and everyone with {@code hls.api.public-read}. Mutating routes need
 * {@code Authorization: Bearer <hls.admin.token>}, or, with no token configured, a loopback client.
 *
 * <p>"Loopback" is the TCP peer (pekko's remote-address attribute, which needs
 * {@code pekko.http.server.remote-address-attribute = on}), never a header a client can write. nginx on
 * the same host connects from loopback too, so a request carrying a forwarding header counts as remote:
 * whatever nginx exposes under /hls/ is treated as coming from the internet.
 */
public final class Access {
  private static final List<String> FORWARDING_HEADERS = List.of("x-forwarded-for", "forwarded", "x-real-ip");

  private Access() {}

  /** Serves {@code inner} to readers (see the class comment); others get a JSON 401 or 403 with the reason. */
  public static Route readable(HlsConfig config, Supplier<Route> inner) {
    return readable(config, inner, Access::refusal);
  }

  /** As {@link #readable(HlsConfig, Supplier)}, with the refusal drawn by {@code refused} (the login page). */
  static Route readable(HlsConfig config, Supplier<Route> inner, Function<Decision, Route> refused) {
    return extractRequest(request -> {
      Decision d = decideReading(config, request, Instant.now());
      return d.allowed() ? inner.get() : refused.apply(d);
    });
  }

  /** The tokens that let a remote client read, admin's first; empty when none is configured. */
  static List<Secret> readTokens(HlsConfig config) {
    List<Secret> keys = new ArrayList<>(2);
    config.admin().token().ifPresent(keys::add);
    config.api().readToken().ifPresent(keys::add);
    return keys;
  }

  static Decision decideReading(HlsConfig config, HttpRequest request, Instant now) {
    if (config.api().publicRead()) return Decision.ALLOW;
    List<Secret> keys = readTokens(config);
    Optional<String> presented = bearer(request);
    if (presented.isPresent()) {
      // A wrong token is a mistake worth saying, from loopback too. Secret.matches is constant-time.
      if (keys.stream().anyMatch(k -> k.matches(presented.get()))) return Decision.ALLOW;
      return new Decision(false, StatusCodes.UNAUTHORIZED, "the bearer token matches neither hls.api.read-token nor hls.admin.token");
    }
    if (isLoopback(request)) return Decision.ALLOW;
    if (keys.isEmpty()) {
      return new Decision(false, StatusCodes.FORBIDDEN, "read routes answer loopback clients only; set hls.api.read-token"
          + " (env HLS_READ_TOKEN) to serve them to token holders, or hls.api.public-read = true to serve them to everyone");
    }
    Optional<String> session = ReadSession.presented(request).filter(v -> !v.isEmpty());
    if (session.isPresent()) {
      if (ReadSession.valid(session.get(), keys, now)) return Decision.ALLOW;
      return new Decision(false, StatusCodes.UNAUTHORIZED, "the login session has expired or its token was changed: log in again");
    }
    return new Decision(false, StatusCodes.UNAUTHORIZED,
        "read routes need Authorization: Bearer <hls.api.read-token or hls.admin.token>, or a login on the dashboard");
  }

  /** Serves {@code inner} to holders of the admin token, or with no token configured to loopback clients. */
  public static Route mutating(HlsConfig config, Supplier<Route> inner) {
    return extractRequest(request -> {
      Decision d = decideMutating(config.admin().token(), request);
      return d.allowed() ? inner.get() : refusal(d);
    });
  }

  /** The JSON refusal of a decision; a 401 names the scheme it wants. */
  static Route refusal(Decision d) {
    if (d.status().equals(StatusCodes.UNAUTHORIZED)) {
      return respondWithHeader(RawHeader.create("WWW-Authenticate", "Bearer realm=\"hls\""), () -> refuse(d.status(), d.reason()));
    }
    return refuse(d.status(), d.reason());
  }

  /** Why a request is let through or not; a value so it can be checked without a server. */
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
