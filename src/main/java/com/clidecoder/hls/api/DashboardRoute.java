package com.clidecoder.hls.api;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeader;

import com.clidecoder.hls.config.HlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * {@code GET /}: the operator's dashboard, a static page from the jar that reads the JSON API itself.
 * Its script and styles are under {@code /assets/}, the uPlot chart library under
 * {@code /assets/uplot/} straight from its WebJar. Read access, like the API it shows.
 */
public final class DashboardRoute {
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private final Supplier<HlsConfig> config;
  private final String uplotDir;

  public DashboardRoute(Supplier<HlsConfig> config) {
    this.config = config;
    this.uplotDir = "META-INF/resources/webjars/uplot/" + webjarVersion() + "/dist";
  }

  public Route route() {
    return concat(
        pathSingleSlash(() -> page(() -> getFromResource("dashboard/index.html"))),
        pathPrefix("assets", () -> page(() -> concat(
            pathPrefix("uplot", () -> getFromResourceDirectory(uplotDir)),
            getFromResourceDirectory("dashboard")))));
  }

  /** GET only, read access; a strict CSP so the page can load nothing but its own files and API. */
  private Route page(Supplier<Route> inner) {
    return Replies.only(HttpMethods.GET, () -> Access.readable(config.get(), () ->
        respondWithHeader(RawHeader.create("Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'"),
            inner)));
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
