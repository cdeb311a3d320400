package com.clidecoder.hls.github;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.domain.TransportFailure;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.Authorization;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.util.ByteString;

/**
 * GitHub REST calls HLS makes, non-blocking over pekko-http. Every call completes normally with a
 * {@link GitHubResult}, within the configured request timeout; nothing here paces or retries (the
 * actuator does). The token goes into the Authorization header only, never into a message.
 */
public final class GitHubClient {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GitHubClient.class);
  /** A pull request diff, cut at {@code diff-max-bytes} when {@code truncated}. */
  public record Diff(String text, boolean truncated) {}

  /** An issue comment as listed: its id and body. */
  public record IssueComment(String id, String body) {}

  static final String API_VERSION = "2022-11-28";
  static final String USER_AGENT = "hook-line-sinker";
  static final String JSON_MEDIA = "application/vnd.github+json";
  static final String DIFF_MEDIA = "application/vnd.github.diff";
  /** Bounds a paginated listing (100 pages of 100 items) so a looping Link header cannot run forever. */
  static final int MAX_PAGES = 100;
  /** JSON answers HLS reads are small; this only guards memory. */
  private static final long MAX_JSON_BYTES = 16L * 1024 * 1024;

  private record Answer(int status, Map<String, String> headers, String body) {}

  private final Http http;
  private final Materializer materializer;
  /**
   * Runs the first step after each pekko-http future. Those are Scala futures seen as CompletableFutures,
   * whose plain thenApply/thenCompose run asynchronously on the JDK default: on 2 cores that starts a
   * new thread per step (common pool parallelism 1), ~4 threads per GitHub write (docs/benchmarks.md).
   */
  private final Executor continuations;
  private final String base;
  private final GitHubAuth auth;
  /** The installation this client acts for (a GitHub App); empty: the configured one, or the personal token. */
  private final Optional<Long> installation;
  private final Duration timeout;
  private final int diffMaxBytes;
  /** From {@code github-authentication-token-expiration}, sent on every answer for an expiring token. */
  private final java.util.concurrent.atomic.AtomicReference<Instant> tokenExpiresAt =
      new java.util.concurrent.atomic.AtomicReference<>();
  private final URI apiUrl;
  private final ActorSystem<?> system;

  private GitHubClient(ActorSystem<?> system, URI apiUrl, GitHubAuth auth, Optional<Long> installation,
      Duration timeout, int diffMaxBytes) {
    this.system = system;
    this.http = Http.get(system);
    this.materializer = Materializer.matFromSystem(system);
    this.continuations = system.executionContext();
    String url = apiUrl.toString();
    this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.auth = auth;
    this.installation = installation;
    this.timeout = timeout;
    this.diffMaxBytes = diffMaxBytes;
    this.apiUrl = apiUrl;
  }

  /** When GitHub said the token expires (warned once in the log when first seen); empty if it did not say. */
  public Optional<Instant> tokenExpiresAt() {
    return Optional.ofNullable(tokenExpiresAt.get());
  }

  /** {@code GET /rate_limit}: costs no quota, answers 401 while the token is refused; the probe of a pause. */
  public CompletionStage<GitHubResult<Boolean>> rateLimit() {
    return send(withHeaders(HttpRequest.GET(base + "/rate_limit"), JSON_MEDIA)).thenApply(r -> map(r, a -> true));
  }

  /**
   * A client for {@code config}'s identity: the GitHub App when {@code hls.github.app} is set, else the
   * personal token; empty when there is neither.
   */
  public static Optional<GitHubClient> create(ActorSystem<?> system, HlsConfig.GitHub config) {
    Optional<GitHubAuth> auth = config.app()
        .<GitHubAuth>map(a -> new GitHubAuth.App(new InstallationTokens(system, config, a, java.time.Clock.systemUTC())))
        .or(() -> config.token().map(GitHubAuth.PersonalToken::new));
    return auth.map(a -> new GitHubClient(
        system, config.apiUrl(), a, Optional.empty(), config.requestTimeout(), config.diffMaxBytes()));
  }

  /** The same client acting for {@code installationId} (a delivery's {@code installation.id}); shares the token cache. */
  public GitHubClient forInstallation(Optional<Long> installationId) {
    if (installationId.equals(installation) || auth instanceof GitHubAuth.PersonalToken) return this;
    return new GitHubClient(system, apiUrl, auth, installationId, timeout, diffMaxBytes);
  }

  /**
   * {@code GET /app} authenticated with the app JWT (not an installation token): the app's {@code slug}, whose
   * bot login is {@code <slug>[bot]}. Only a GitHub App has one; a personal token answers a 400 without a call.
   */
  public CompletionStage<GitHubResult<String>> appSlug() {
    if (!(auth instanceof GitHubAuth.App app)) return done(new GitHubResult.HttpError<>(400, "not a GitHub App"));
    HttpRequest request = withHeaders(HttpRequest.GET(base + "/app"), JSON_MEDIA)
        .addHeader(Authorization.oauth2(app.tokens().appJwt()));
    CompletionStage<GitHubResult<String>> stage = http.singleRequest(request)
        .thenComposeAsync(this::strict, continuations)
        .thenApply(a -> {
          GitHubResult<Answer> r = classified(a);
          if (!(r instanceof GitHubResult.Ok<Answer>)) return r.failure();
          return slug(a.body()).<GitHubResult<String>>map(GitHubResult.Ok::new)
              .orElseGet(() -> new GitHubResult.NoAnswer<>("GET /app answered no slug"));
        });
    return withTimeout(stage);
  }

  /** For {@code /health}: "token", or the app's state ("app 123: installation token ok"); never a token. */
  public String authStatus() {
    return auth.status();
  }

  /** {@code GET /repos/{o}/{r}/labels}, every page: the label names. */
  public CompletionStage<GitHubResult<List<String>>> listLabels(String repository) {
    if (!ActionPolicy.isRepositoryName(repository)) return done(invalid(repository));
    return listAll(base + "/repos/" + repository + "/labels?per_page=100", item -> false)
        .thenApply(r -> map(r, items -> items.stream()
            .map(i -> i.path("name").asText(""))
            .filter(n -> !n.isEmpty())
            .toList()));
  }

  /**
   * {@code GET /repos/{o}/{r}/issues/{n}/comments}, page by page until a comment's body matches: its id,
   * or empty when none does.
   */
  public CompletionStage<GitHubResult<Optional<String>>> findComment(
      String repository, int number, Predicate<String> bodyMatches) {
    return findIssueComment(repository, number, bodyMatches).thenApply(r -> map(r, c -> c.map(IssueComment::id)));
  }

  /** As {@link #findComment}, with the matching comment's body (to tell whether it needs an edit). */
  public CompletionStage<GitHubResult<Optional<IssueComment>>> findIssueComment(
      String repository, int number, Predicate<String> bodyMatches) {
    if (!ActionPolicy.isRepositoryName(repository)) return done(invalid(repository));
    Predicate<JsonNode> hit = c -> bodyMatches.test(c.path("body").asText(""));
    return listAll(base + "/repos/" + repository + "/issues/" + number + "/comments?per_page=100", hit)
        .thenApply(r -> map(r, items -> items.stream().filter(hit).findFirst()
            .map(c -> new IssueComment(c.path("id").asText(), c.path("body").asText("")))));
  }

  /** {@code PATCH /repos/{o}/{r}/issues/comments/{id}}: replaces the comment's body; answers its id. */
  public CompletionStage<GitHubResult<Optional<String>>> editComment(String repository, String commentId, String body) {
    if (!ActionPolicy.isRepositoryName(repository)) return done(invalid(repository));
    if (!commentId.matches("[0-9]{1,20}")) return done(new GitHubResult.HttpError<>(400, "invalid comment id"));
    String json = Json.MAPPER.createObjectNode().put("body", body).toString();
    HttpRequest patch = withHeaders(HttpRequest.create(base + "/repos/" + repository + "/issues/comments/" + commentId)
        .withMethod(HttpMethods.PATCH), JSON_MEDIA)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
    return send(patch).thenApply(r -> map(r, a -> Optional.of(commentId)));
  }

  /** {@code POST /repos/{o}/{r}/issues/{n}/labels}: adds (never removes) labels; GitHub answers the issue's labels. */
  public CompletionStage<GitHubResult<List<String>>> addLabels(String repository, int number, List<String> labels) {
    if (!ActionPolicy.isRepositoryName(repository)) return done(invalid(repository));
    String body = Json.MAPPER.createObjectNode().set("labels", Json.MAPPER.valueToTree(labels)).toString();
    return send(post("/repos/" + repository + "/issues/" + number + "/labels", body))
        .thenApply(r -> map(r, a -> names(a.body())));
  }

  /** {@code POST /repos/{o}/{r}/issues/{n}/comments}: the new comment's id (empty if the 201 was unreadable). */
  public CompletionStage<GitHubResult<Optional<String>>> createComment(String repository, int number, String body) {
    if (!ActionPolicy.isRepositoryName(repository)) return done(invalid(repository));
    String json = Json.MAPPER.createObjectNode().put("body", body).toString();
    return send(post("/repos/" + repository + "/issues/" + number + "/comments", json))
        .thenApply(r -> map(r, a -> commentId(a.body())));
  }

  /** {@code GET /repos/{o}/{r}/pulls/{n}} as a diff, reading no more than {@code diff-max-bytes}. */
  public CompletionStage<GitHubResult<Diff>> pullRequestDiff(String repository, int number) {
    if (!ActionPolicy.isRepositoryName(repository)) return done(invalid(repository));
    HttpRequest request = withHeaders(
        HttpRequest.GET(base + "/repos/" + repository + "/pulls/" + number), DIFF_MEDIA);
    CompletionStage<GitHubResult<Diff>> stage = auth.token(installation)
        .thenCompose(t -> http.singleRequest(request.addHeader(Authorization.oauth2(t.reveal()))))
        .thenComposeAsync(response -> {
          noteExpiry(response);
          if (response.status().isSuccess()) return readCapped(response).thenApply(GitHubResult.Ok::new);
          return strict(response).thenApply(a -> ErrorAnswers.classify(a.status(), a.headers(), a.body(), Instant.now()));
        }, continuations);
    return withTimeout(stage);
  }

  private void noteExpiry(HttpResponse response) {
    response.getHeader("github-authentication-token-expiration")
        .flatMap(h -> TokenExpiry.parse(h.value()))
        .ifPresent(at -> {
          Instant before = tokenExpiresAt.getAndSet(at);
          if (!at.equals(before)) TokenExpiry.warn(at);
        });
  }

  /** Reads the entity up to the cap, then cancels it (the connection is closed rather than drained). */
  private CompletionStage<Diff> readCapped(HttpResponse response) {
    AtomicLong seen = new AtomicLong();
    AtomicBoolean cut = new AtomicBoolean();
    return response.entity().withoutSizeLimit().getDataBytes()
        .takeWhile(chunk -> {
          boolean more = seen.getAndAdd(chunk.size()) < diffMaxBytes;
          if (!more) cut.set(true);
          return more;
        })
        .runFold(ByteString.emptyByteString(), ByteString::concat, materializer)
        .thenApplyAsync(bytes -> {
          boolean truncated = cut.get() || bytes.size() > diffMaxBytes;
          ByteString kept = bytes.size() > diffMaxBytes ? bytes.take(diffMaxBytes) : bytes;
          return new Diff(new String(kept.toArray(), StandardCharsets.UTF_8), truncated);
        }, continuations);
  }

  private CompletionStage<GitHubResult<List<JsonNode>>> listAll(String firstUrl, Predicate<JsonNode> stopAt) {
    return page(firstUrl, stopAt, new ArrayList<>(), 1, false);
  }

  private CompletionStage<GitHubResult<List<JsonNode>>> page(
      String url, Predicate<JsonNode> stopAt, List<JsonNode> seen, int pageNo, boolean asApp) {
    HttpRequest get = withHeaders(HttpRequest.GET(url), JSON_MEDIA);
    return (asApp ? sendAsApp(get) : send(get)).thenCompose(r -> {
      if (!(r instanceof GitHubResult.Ok<Answer> ok)) return done(r.<List<JsonNode>>failure());
      JsonNode items;
      try {
        items = Json.MAPPER.readTree(ok.value().body());
      } catch (Exception e) {
        return done(new GitHubResult.NoAnswer<>("unreadable JSON list from GitHub: " + e.getClass().getSimpleName()));
      }
      if (items == null || !items.isArray()) return done(new GitHubResult.NoAnswer<>("GitHub answered no JSON list"));
      boolean stop = false;
      for (JsonNode item : items) {
        seen.add(item);
        stop |= stopAt.test(item);
      }
      Optional<String> next = LinkHeader.next(ok.value().headers().get("link"));
      if (stop || next.isEmpty()) return done(new GitHubResult.Ok<>(seen));
      if (pageNo >= MAX_PAGES) return done(new GitHubResult.Ok<>(seen));
      if (!sameOrigin(next.get())) {
        return done(new GitHubResult.NoAnswer<>("pagination link leaves " + origin(URI.create(base))));
      }
      return page(next.get(), stopAt, seen, pageNo + 1, asApp);
    });
  }

  // ---- the reconciler (issue 13.3): a hook's deliveries and redeliveries ----

  /**
   * A hook's recent deliveries, newest first, following the Link header's {@code cursor} pages until one
   * reaches {@code stopAt}. {@code hookPath} is {@code /app/hook}, {@code /repos/o/r/hooks/N} or
   * {@code /orgs/o/hooks/N}; the app's own hook is read with the app JWT, the others with the token.
   */
  public CompletionStage<GitHubResult<List<JsonNode>>> hookDeliveries(String hookPath, Predicate<JsonNode> stopAt) {
    return page(base + hookPath + "/deliveries?per_page=100", stopAt, new ArrayList<>(), 1, hookPath.startsWith("/app/"));
  }

  /** {@code POST {hookPath}/deliveries/{id}/attempts}: GitHub answers 202 and sends the delivery again. */
  public CompletionStage<GitHubResult<Boolean>> redeliver(String hookPath, long deliveryId) {
    // No body: GitHub's description of this operation has none, and Prism refuses one (found by GitHubContractTest).
    HttpRequest request = withHeaders(HttpRequest.POST(base + hookPath + "/deliveries/" + deliveryId + "/attempts"), JSON_MEDIA);
    return (hookPath.startsWith("/app/") ? sendAsApp(request) : send(request)).thenApply(r -> map(r, a -> true));
  }

  /** A request authorised by the app JWT (an {@code /app} route); without an app, the token as usual. */
  private CompletionStage<GitHubResult<Answer>> sendAsApp(HttpRequest request) {
    Optional<Secret> jwt = auth.appJwt();
    if (jwt.isEmpty()) return send(request);
    return withTimeout(http.singleRequest(request.addHeader(Authorization.oauth2(jwt.get().reveal())))
        .thenComposeAsync(this::strict, continuations)
        .thenApply(GitHubClient::classified));
  }

  private HttpRequest post(String path, String json) {
    return withHeaders(HttpRequest.POST(base + path), JSON_MEDIA)
        .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, json));
  }

  private HttpRequest withHeaders(HttpRequest request, String accept) {
    return request.addHeaders(List.of(
        HttpHeader.parse("Accept", accept),
        HttpHeader.parse("X-GitHub-Api-Version", API_VERSION),
        HttpHeader.parse("User-Agent", USER_AGENT)));
  }

  /** One request, its whole (bounded) answer read, classified, within the timeout. */
  private CompletionStage<GitHubResult<Answer>> send(HttpRequest request) {
    return withTimeout(authorised(request, true));
  }

  /**
   * The request with this client's token. An installation token GitHub refuses (401) is dropped and the
   * request sent once more with a fresh one: a token can be revoked or expire early.
   */
  private CompletionStage<GitHubResult<Answer>> authorised(HttpRequest request, boolean mayRetry) {
    CompletionStage<Secret> token = auth.token(installation);
    return token.thenCompose(t -> http.singleRequest(request.addHeader(Authorization.oauth2(t.reveal())))
            .thenComposeAsync(this::strict, continuations)
            .thenCompose(a -> a.status() == 401 && mayRetry && auth.refused(installation, t)
                ? authorised(request, false)
                : CompletableFuture.completedFuture(classified(a))));
  }

  private static GitHubResult<Answer> classified(Answer a) {
    if (a.status() / 100 == 2) return new GitHubResult.Ok<>(a);
    return ErrorAnswers.classify(a.status(), a.headers(), a.body(), Instant.now());
  }

  private CompletionStage<Answer> strict(HttpResponse response) {
    noteExpiry(response);
    return response.entity().toStrict(timeout.toMillis(), MAX_JSON_BYTES, materializer)
        .thenApplyAsync(e -> new Answer(response.status().intValue(), headers(response), e.getData().utf8String()),
            continuations);
  }

  /**
   * Bounds a call by the request timeout. The stage underneath keeps running and still drains its answer;
   * a write that times out may have landed, which the caller must assume.
   */
  private <T> CompletionStage<GitHubResult<T>> withTimeout(CompletionStage<GitHubResult<T>> stage) {
    return stage.toCompletableFuture().copy()
        .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
        .handle((r, err) -> err == null ? r : new GitHubResult.NoAnswer<>(describe(err)));
  }

  /** In words for the stored reason; the exception itself goes to the log (it never holds the token). */
  private String describe(Throwable err) {
    String message = TransportFailure.describe(err, "GitHub", apiUrl, timeout);
    log.warn("event=github_unreachable message=\"{}\" error=\"{}\"", message, err);
    return message;
  }

  private static Map<String, String> headers(HttpResponse response) {
    Map<String, String> out = new HashMap<>();
    for (HttpHeader h : response.getHeaders()) out.putIfAbsent(h.lowercaseName(), h.value());
    return out;
  }

  private boolean sameOrigin(String url) {
    try {
      return origin(URI.create(url)).equals(origin(URI.create(base)));
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static String origin(URI u) {
    return (u.getScheme() + "://" + u.getHost() + ":" + u.getPort()).toLowerCase(Locale.ROOT);
  }

  private static List<String> names(String body) {
    try {
      List<String> out = new ArrayList<>();
      for (JsonNode n : Json.MAPPER.readTree(body)) out.add(n.path("name").asText(""));
      return out;
    } catch (Exception e) {
      // The labels were added (2xx); an unreadable echo of them changes nothing.
      return List.of();
    }
  }

  private static Optional<String> slug(String body) {
    try {
      JsonNode slug = Json.MAPPER.readTree(body).get("slug");
      return slug != null && slug.isTextual() && !slug.asText().isBlank() ? Optional.of(slug.asText()) : Optional.empty();
    } catch (Exception e) {
      return Optional.empty();
    }
  }

  private static Optional<String> commentId(String body) {
    try {
      JsonNode id = Json.MAPPER.readTree(body).get("id");
      return id != null && id.canConvertToLong() ? Optional.of(id.asText()) : Optional.empty();
    } catch (Exception e) {
      // The comment exists (201) even if its echo cannot be read; the id is then unknown.
      return Optional.empty();
    }
  }

  private static <A, B> GitHubResult<B> map(GitHubResult<A> r, Function<A, B> f) {
    return r instanceof GitHubResult.Ok<A> ok ? new GitHubResult.Ok<>(f.apply(ok.value())) : r.failure();
  }

  /** Repository names come from webhook payloads; anything else never becomes part of a URL path. */
  private static <T> GitHubResult<T> invalid(String repository) {
    return new GitHubResult.HttpError<>(400, "invalid repository name '" + repository + "'");
  }

  private static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}
