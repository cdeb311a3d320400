package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.AnalysisRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /}: the operator's dashboard, a static page from the jar that reads the JSON API itself.
 * Its script and styles are under {@code /assets/}, the uPlot chart library under
 * {@code /assets/uplot/} straight from its WebJar; {@code GET /api/info} says what the page's header
 * shows (version, uptime, modes). Read access, like the API it shows: a browser without it gets the
 * login form of {@link LoginRoute} instead of the page.
 */
public final class DashboardRoute {
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private final Supplier<HlsConfig> config;
  private final String version;
  private final Instant startedAt;
  private final Clock clock;
  private final String uplotDir;

  /** {@code version} is the build's (app.Version), {@code startedAt} when the service came up. */
  public DashboardRoute(Supplier<HlsConfig> config, String version, Instant startedAt, Clock clock) {
    this.config = config;
    this.version = version;
    this.startedAt = startedAt;
    this.clock = clock;
    this.uplotDir = "META-INF/resources/webjars/uplot/" + webjarVersion() + "/dist";
  }

  public Route route() {
    return concat(
        pathSingleSlash(() -> page(() -> getFromResource("dashboard/index.html"))),
        new LoginRoute(config, clock).route(),
        path(PathMatchers.segment("api").slash("info"), () -> Replies.only(HttpMethods.GET,
            () -> Access.readable(config.get(), () -> Replies.ok(info(config.get()))))),
        pathPrefix("assets", () -> page(() -> concat(
            pathPrefix("uplot", () -> getFromResourceDirectory(uplotDir)),
            getFromResourceDirectory("dashboard")))));
  }

  /** A strict CSP so a page can load nothing but its own files and API. */
  static RawHeader contentSecurityPolicy() {
    return RawHeader.create("Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'");
  }

  /** GET only, read access (else the login form, with the reason), under the CSP. */
  private Route page(Supplier<Route> inner) {
    return Replies.only(HttpMethods.GET, () -> Access.readable(config.get(),
        () -> respondWithHeader(contentSecurityPolicy(), inner),
        refused -> LoginRoute.form(refused.status(), refused.reason())));
  }

  /** What the service runs as: the modes an operator otherwise finds only in the start log. */
  Map<String, Object> info(HlsConfig c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", version);
    m.put("started_at", startedAt.toString());
    m.put("uptime_seconds", Math.max(0, Duration.between(startedAt, clock.instant()).toSeconds()));
    m.put("github", c.github().effectiveDryRun() ? "dry-run" : "live");
    m.put("analyst", c.claude().offline() ? AnalysisRecord.OFFLINE : AnalysisRecord.ANTHROPIC);
    m.put("model", c.claude().offline() ? null : c.claude().model());
    return m;
  }

  /** The uPlot version actually on the classpath, so a version bump in the pom needs no code change. */
  private static String webjarVersion() {
    try (InputStream in = DashboardRoute.class.getClassLoader().getResourceAsStream(UPLOT_POM)) {
      if (in == null) throw new IllegalStateException("the uPlot WebJar is missing from the classpath (" + UPLOT_POM + ")");
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + UPLOT_POM, e);
    }
  }
}
