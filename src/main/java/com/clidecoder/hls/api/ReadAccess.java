package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;

import com.clidecoder.hls.config.HlsConfig;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.RemoteAddress;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * Guards read routes ({@code /stats}, later the event API and dashboard): served to everyone when
 * {@code hls.api.public-read} is on, otherwise only to clients connected from a loopback address.
 *
 * <p>The check uses the TCP peer (pekko's remote-address attribute), never {@code X-Forwarded-For},
 * which any client can write. A request relayed by a reverse proxy on the same host arrives from
 * loopback too, so a request carrying a forwarding header counts as remote: behind nginx, read routes
 * need {@code public-read = true} (or nginx not to proxy them).
 */
public final class ReadAccess {
  private static final List<String> FORWARDING_HEADERS = List.of("x-forwarded-for", "forwarded", "x-real-ip");

  private final boolean publicRead;

  public ReadAccess(HlsConfig.Api api) {
    this.publicRead = api.publicRead();
  }

  public Route readable(Supplier<Route> inner) {
    if (publicRead) return inner.get();
    return extractRequest(request -> isLocal(request)
        ? inner.get()
        : JsonErrors.rejected(StatusCodes.FORBIDDEN,
            "read routes answer loopback clients only; set hls.api.public-read = true to serve them to others"));
  }

  static boolean isLocal(HttpRequest request) {
    for (String name : FORWARDING_HEADERS) {
      if (request.getHeader(name).isPresent()) return false;
    }
    Optional<InetAddress> peer = request.getAttribute(AttributeKeys.remoteAddress).flatMap(RemoteAddress::getAddress);
    return peer.map(InetAddress::isLoopbackAddress).orElse(false);
  }
}
