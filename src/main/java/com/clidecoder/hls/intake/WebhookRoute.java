package com.clidecoder.hls.intake;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.completeWithFuture;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.post;
import static org.apache.pekko.http.javadsl.server.Directives.withRequestTimeoutResponse;

import com.clidecoder.hls.api.JsonErrors;
import com.clidecoder.hls.api.JsonReplies;
import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.NewDelivery;
import com.clidecoder.hls.domain.StoredDelivery;
import com.clidecoder.hls.intake.DeliveryParser.BodyFormat;
import com.clidecoder.hls.store.IntakeWriter;
import com.clidecoder.hls.store.StoreException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST {hls.server.webhook-path}}: takes a GitHub delivery exactly as GitHub sends it and answers
 * only after the outcome is durable: 202 {@code queued} after the commit, 200 {@code duplicate} or
 * {@code ignored}, 4xx for the sender's mistakes, 503 when the database cannot commit.
 */
public final class WebhookRoute {
  private static final Logger log = LoggerFactory.getLogger(WebhookRoute.class);
  // GitHub gives up on a delivery after 10 s, so no genuine sender takes longer to send one. A body still
  // arriving after that is a slow sender: 408, before pekko's request-timeout (20 s) would answer 503.
  private static final long READ_TIMEOUT_MILLIS = Duration.ofSeconds(10).toMillis();
  // Compiled once: String.matches compiles its pattern on every call, and these run on every delivery.
  // GitHub's names have digits too: projects_v2, projects_v2_item (refused as 400 before, found by the
  // @octokit/webhooks-examples run).
  private static final Pattern EVENT_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Pattern DELIVERY_ID = Pattern.compile("[\\x21-\\x7e]{1,200}");

  private final HlsConfig.Server server;
  private final Supplier<HlsConfig> config;
  private final IntakeWriter writer;
  private final Runnable onQueued;
  private final BiConsumer<String, String> outcomes;
  private final Consumer<Refusal> refusals;
  private final Consumer<String> ignoredDeliveries;
  private final CommitDeadlines deadlines;
  private volatile Rules rules;

  /** The signature check and repository policy of one config; rebuilt when a reload changes the config. */
  private record Rules(HlsConfig config, Optional<SignatureVerifier> verifier, IntakePolicy policy) {
    static Rules of(HlsConfig c) {
      return new Rules(c, c.signatureSecret().map(SignatureVerifier::new), new IntakePolicy(c));
    }
  }

  /**
   * @param config the config in force (a reload changes repositories, secret and limits for the next
   *     delivery; the path and port need a restart)
   * @param onQueued called after a commit that queued a new event; must not block (it wakes the pipeline)
   * @param outcomes told (event type, outcome) for every answer to a request that passed the signature
   *     check (or came where none is configured): queued, duplicate, ignored, rejected, unavailable
   * @param refusals told the reason class of every 4xx/503 answer, signed or not (metrics without an
   *     event label: an unsigned request's headers must not make new series)
   * @param ignoredDeliveries told the delivery id of every delivery answered as ignored (the reconciler's
   *     record of what the intake saw); must not block
   */
  public WebhookRoute(Supplier<HlsConfig> config, IntakeWriter writer, Runnable onQueued,
      BiConsumer<String, String> outcomes, Consumer<Refusal> refusals, Consumer<String> ignoredDeliveries) {
    this.outcomes = outcomes;
    this.refusals = refusals;
    this.ignoredDeliveries = ignoredDeliveries;
    this.config = config;
    this.server = config.get().server();
    this.deadlines = new CommitDeadlines(server.commitTimeout());
    this.rules = Rules.of(config.get());
    this.writer = writer;
    this.onQueued = onQueued;
  }

  public WebhookRoute(Supplier<HlsConfig> config, IntakeWriter writer, Runnable onQueued,
      BiConsumer<String, String> outcomes, Consumer<Refusal> refusals) {
    this(config, writer, onQueued, outcomes, refusals, guid -> {});
  }

  public WebhookRoute(Supplier<HlsConfig> config, IntakeWriter writer, Runnable onQueued,
      BiConsumer<String, String> outcomes) {
    this(config, writer, onQueued, outcomes, r -> {});
  }

  /** Why a delivery was refused, as a small fixed set (a metrics label). */
  public enum Refusal {
    SIGNATURE("signature"), HEADERS("headers"), MEDIA_TYPE("media_type"), TOO_LARGE("too_large"),
    TIMEOUT("timeout"), PAYLOAD("payload"), POLICY("policy"), UNAVAILABLE("unavailable");

    public final String label;

    Refusal(String label) {
      this.label = label;
    }
  }

  private Rules rules() {
    HlsConfig current = config.get();
    Rules r = rules;
    if (r.config() != current) rules = r = Rules.of(current);
    return r;
  }

  /**
   * The routes are built once: a {@code Supplier<Route>} given to a directive is called for every request,
   * and everything a delivery needs is read from the request in one function ({@link #delivery}) rather
   * than a directive per header, which allocated a chain of routes per delivery on the intake's hot path.
   */
  public Route route() {
    Route deliveries = extractRequest(this::delivery);
    Route timed = withRequestTimeoutResponse(WebhookRoute::timeoutResponse, () -> deliveries);
    Route inner = concat(
        post(() -> timed),
        JsonErrors.rejected(StatusCodes.METHOD_NOT_ALLOWED, "deliveries are POSTed to " + server.webhookPath()));
    Route routes = webhookPath(() -> inner);
    return handleExceptions(JsonErrors.handler(), () -> routes);
  }

  private Route webhookPath(Supplier<Route> inner) {
    String p = server.webhookPath();
    return p.equals("/") ? pathSingleSlash(inner) : path(PathMatchers.separateOnSlashes(p.substring(1)), inner);
  }

  private Route delivery(HttpRequest request) {
    RequestEntity entity = request.entity();
    Optional<String> event = header(request, "x-github-event");
    // A declared length over the cap is refused before a byte of the body is read.
    if (entity.getContentLengthOption().orElse(0) > server.maxPayloadBytes()) return tooLarge();
    Optional<BodyFormat> format = formatOf(entity);
    if (format.isEmpty()) {
      return refused(Optional.empty(), Refusal.MEDIA_TYPE, StatusCodes.UNSUPPORTED_MEDIA_TYPE,
          "content type must be application/json or application/x-www-form-urlencoded, not " + entity.getContentType());
    }
    Optional<String> deliveryId = header(request, "x-github-delivery");
    Optional<String> signature = header(request, "x-hub-signature-256");
    Optional<String> problem = headerProblem(event, deliveryId);
    if (problem.isPresent()) return refused(Optional.empty(), Refusal.HEADERS, StatusCodes.BAD_REQUEST, problem.get());
    return withBody(entity, body ->
        handle(event.get().trim(), deliveryId.get().trim(), signature, format.get(), body));
  }

  /** The value of the first header named {@code lowerCaseName}, as optionalHeaderValueByName gives it. */
  private static Optional<String> header(HttpRequest request, String lowerCaseName) {
    for (HttpHeader h : request.getHeaders()) {
      if (h.is(lowerCaseName)) return Optional.of(h.value());
    }
    return Optional.empty();
  }

  /**
   * A refusal (4xx, 503), reported by its reason class, and by event type as "rejected" or "unavailable"
   * only when the request passed the signature check ({@code checkedEvent} present); accepted outcomes
   * are reported where they are decided.
   */
  private Route refused(Optional<String> checkedEvent, Refusal why, StatusCode status, String reason) {
    refusals.accept(why);
    checkedEvent.ifPresent(type -> outcomes.accept(type, status.intValue() == 503 ? "unavailable" : "rejected"));
    return JsonErrors.rejected(status, reason);
  }

  private static Optional<String> headerProblem(Optional<String> event, Optional<String> deliveryId) {
    if (event.isEmpty() || event.get().isBlank()) return Optional.of("X-GitHub-Event header is required");
    if (!EVENT_NAME.matcher(event.get().trim()).matches()) return Optional.of("X-GitHub-Event is not an event name");
    if (deliveryId.isEmpty() || deliveryId.get().isBlank()) return Optional.of("X-GitHub-Delivery header is required");
    if (!DELIVERY_ID.matcher(deliveryId.get().trim()).matches()) {
      return Optional.of("X-GitHub-Delivery must be 1 to 200 visible ASCII characters");
    }
    return Optional.empty();
  }

  private static Optional<BodyFormat> formatOf(RequestEntity entity) {
    var media = entity.getContentType().mediaType();
    if (media.equals(MediaTypes.APPLICATION_JSON)) return Optional.of(BodyFormat.JSON);
    if (media.equals(MediaTypes.APPLICATION_X_WWW_FORM_URLENCODED)) return Optional.of(BodyFormat.FORM);
    return Optional.empty();
  }

  /**
   * Reads the whole body, but never more than the cap: the entity's size limit fails the stream with
   * EntityStreamSizeException (413) as soon as a chunked body grows past it. toStrict's own limit is
   * lifted so that it does not fall back to pekko's smaller max-to-strict-bytes default.
   * A body that arrived whole with its headers is already strict and is taken as it is: toStrict has no
   * shortcut for it and would run a stream (an actor created and stopped, a timer) per delivery.
   */
  private Route withBody(RequestEntity entity, Function<byte[], Route> inner) {
    if (entity instanceof HttpEntity.Strict strict) {
      if (strict.getData().size() > server.maxPayloadBytes()) return tooLarge();
      return inner.apply(strict.getData().toArrayUnsafe()); // read only: no copy of the body
    }
    return extractMaterializer(mat ->
        onComplete(entity.withSizeLimit(server.maxPayloadBytes()).toStrict(READ_TIMEOUT_MILLIS, Long.MAX_VALUE, mat), read -> {
          if (read.isSuccess()) return inner.apply(read.get().getData().toArray());
          Throwable e = read.failed().get();
          if (JsonErrors.isTooLarge(e)) return tooLarge();
          if (e instanceof java.util.concurrent.TimeoutException) {
            return refused(Optional.empty(), Refusal.TIMEOUT, StatusCodes.REQUEST_TIMEOUT, "the body did not arrive within 10 s");
          }
          return refused(Optional.empty(), Refusal.PAYLOAD, StatusCodes.BAD_REQUEST, "body could not be read: " + e.getMessage());
        }));
  }

  private Route handle(String event, String deliveryId, Optional<String> signature, BodyFormat format, byte[] body) {
    Rules rules = rules();
    Optional<SignatureVerifier> verifier = rules.verifier();
    IntakePolicy policy = rules.policy();
    if (verifier.isPresent() && !verifier.get().verify(body, signature)) {
      log.warn("event=signature_refused delivery={} type={} present={}", deliveryId, event, signature.isPresent());
      return refused(Optional.empty(), Refusal.SIGNATURE, StatusCodes.UNAUTHORIZED, signature.isEmpty()
          ? "X-Hub-Signature-256 header is required"
          : "X-Hub-Signature-256 does not match the body");
    }
    DeliveryParser.Parsed parsed = DeliveryParser.parse(format, body);
    if (parsed instanceof DeliveryParser.Malformed m) return refused(Optional.of(event), Refusal.PAYLOAD, StatusCodes.BAD_REQUEST, m.reason());
    IntakePolicy.Decision decision = policy.decide(event, deliveryId, signature, (DeliveryParser.Document) parsed);
    if (decision instanceof IntakePolicy.Reject r) return refused(Optional.of(event), Refusal.POLICY, StatusCodes.BAD_REQUEST, r.reason());
    if (decision instanceof IntakePolicy.Ignore i) {
      log.info("event=ignored delivery={} type={} reason={}", deliveryId, event, i.reason());
      Map<String, Object> reply = new LinkedHashMap<>();
      reply.put("status", "ignored");
      reply.put("reason", i.reason());
      outcomes.accept(event, "ignored");
      ignoredDeliveries.accept(deliveryId);
      return complete(JsonReplies.response(StatusCodes.OK, reply));
    }
    return store(((IntakePolicy.Queue) decision).delivery());
  }

  /**
   * Answers after the commit; the timeout only stops the wait, a late commit still counts (the retry is a
   * duplicate). The answer is built where the commit completes (IntakeWriter answers a batch apart from
   * the next commit) as one response, not a route of its own per delivery.
   */
  private Route store(NewDelivery d) {
    CompletableFuture<StoredDelivery> committed = deadlines.watch(writer.submit(d).toCompletableFuture());
    return completeWithFuture(committed.handle((stored, failure) ->
        failure == null ? stored(d, stored) : unavailable(d, failure)));
  }

  private HttpResponse stored(NewDelivery d, StoredDelivery stored) {
    boolean queued = stored instanceof StoredDelivery.Queued;
    if (queued) {
      log.info("event=queued delivery={} repo={} type={} action={} id={}",
          d.deliveryId(), d.repository(), d.eventType(), d.action(), stored.id());
      wakePipeline();
    } else {
      log.info("event=duplicate delivery={} id={}", d.deliveryId(), stored.id());
    }
    Map<String, Object> reply = new LinkedHashMap<>();
    reply.put("status", queued ? "queued" : "duplicate");
    reply.put("id", stored.id());
    reply.put("delivery_id", d.deliveryId());
    outcomes.accept(d.eventType(), queued ? "queued" : "duplicate");
    return JsonReplies.response(queued ? StatusCodes.ACCEPTED : StatusCodes.OK, reply);
  }

  private void wakePipeline() {
    try {
      onQueued.run();
    } catch (RuntimeException e) {
      // The event is committed; the pipeline's poll will find it. Answering 5xx would make GitHub resend it.
      log.warn("event=wake_failed error={}", e.toString());
    }
  }

  private HttpResponse unavailable(NewDelivery d, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    String reason;
    if (cause instanceof IntakeWriter.Refused refused) {
      reason = refused.getMessage() + "; retry later";
    } else if (cause instanceof TimeoutException) {
      reason = "the delivery was not committed within " + server.commitTimeout().toSeconds() + "s; retry later";
    } else if (cause instanceof StoreException) {
      reason = "the database cannot commit right now; retry later";
    } else {
      reason = "the delivery could not be stored; retry later";
    }
    log.warn("event=not_stored delivery={} repo={} error={}", d.deliveryId(), d.repository(), cause.toString());
    refusals.accept(Refusal.UNAVAILABLE);
    outcomes.accept(d.eventType(), "unavailable");
    return JsonReplies.unavailable(reason);
  }

  private Route tooLarge() {
    return refused(Optional.empty(), Refusal.TOO_LARGE, StatusCodes.CONTENT_TOO_LARGE,
        "body exceeds hls.server.max-payload-bytes (" + server.maxPayloadBytes() + " bytes)");
  }

  private static HttpResponse timeoutResponse(HttpRequest request) {
    return JsonReplies.unavailable("the request timed out before it was stored; retry later");
  }
}
