package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.formFieldOptional;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.redirect;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET/POST /login} and {@code POST /logout}: the dashboard's way in for a browser that cannot
 * send a bearer header. A right token (read or admin) sets the {@link ReadSession} cookie and goes back
 * to the page; a wrong one gets the form again with a message. The token itself is never echoed,
 * logged or stored in the cookie.
 */
final class LoginRoute {
  private static final Logger log = LoggerFactory.getLogger(LoginRoute.class);
  /** Relative, so it lands on the dashboard at / and behind nginx at /hls/ alike. */
  private static final Uri DASHBOARD = Uri.create("./");

  private final Supplier<HlsConfig> config;
  private final Clock clock;

  LoginRoute(Supplier<HlsConfig> config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  Route route() {
    return concat(
        path("login", () -> concat(
            get(() -> form(StatusCodes.OK, "")),
            Replies.only(HttpMethods.POST, this::login))),
        path("logout", () -> Replies.only(HttpMethods.POST, this::logout)));
  }

  private Route login() {
    return extractRequest(request -> concat(
        formFieldOptional("token", token -> attempt(request, token.map(String::strip).filter(t -> !t.isEmpty()))),
        form(StatusCodes.BAD_REQUEST, "send the token as the form field 'token' (application/x-www-form-urlencoded)")));
  }

  private Route attempt(HttpRequest request, Optional<String> token) {
    List<Secret> keys = Access.readTokens(config.get());
    if (keys.isEmpty()) {
      if (Access.isLoopback(request)) return redirect(DASHBOARD, StatusCodes.SEE_OTHER);
      return form(StatusCodes.FORBIDDEN, "No read token is configured: set hls.api.read-token (env HLS_READ_TOKEN) first.");
    }
    if (token.isEmpty()) return form(StatusCodes.UNAUTHORIZED, "Enter the read token or the admin token.");
    Optional<Secret> key = keys.stream().filter(k -> k.matches(token.get())).findFirst();
    if (key.isEmpty()) {
      log.warn("event=dashboard_login outcome=refused reason=wrong_token");
      return form(StatusCodes.UNAUTHORIZED, "That token is not right.");
    }
    log.info("event=dashboard_login outcome=ok");
    boolean secure = ReadSession.overHttps(request);
    return respondWithHeaders(List.of(ReadSession.set(ReadSession.mint(key.get(), clock.instant()), secure)),
        () -> redirect(DASHBOARD, StatusCodes.SEE_OTHER));
  }

  private Route logout() {
    return extractRequest(request -> respondWithHeaders(List.of(ReadSession.clear(ReadSession.overHttps(request))),
        () -> redirect(DASHBOARD, StatusCodes.SEE_OTHER)));
  }

  /** The login form, with {@code message} above it (our own words, escaped all the same). */
  static Route form(StatusCode status, String message) {
    String html = """
        <!DOCTYPE html>
        <html lang="en">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>HLS dashboard: log in</title><link rel="icon" href="data:,"></head>
        <body>
        <h1>Hook Line Sinker</h1>
        <p id="login-message">%s</p>
        <form id="login" method="post" action="login">
        <label>read token <input id="login-token" name="token" type="password" autocomplete="current-password" required></label>
        <button type="submit">Log in</button>
        </form>
        </body>
        </html>
        """.formatted(escape(message));
    return respondWithHeader(RawHeader.create("Cache-Control", "no-store"), () -> respondWithHeader(
        DashboardRoute.contentSecurityPolicy(), () -> complete(status, HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html))));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
