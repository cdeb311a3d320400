package com.clidecoder.hls.triage;

import com.clidecoder.hls.config.Secret;
import com.clidecoder.hls.domain.Json;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches a repository's closed issues carrying its type labels, as training data, through the GitHub
 * REST API: {@code GET /repos/{owner}/{repo}/issues?state=closed&labels=L}, following {@code Link:
 * rel="next"} pages. A blocking client is fine here: it runs in the {@code triage train} batch command,
 * never inside the service. Rate limits are honoured the way GitHub documents them: {@code retry-after}
 * first, then {@code x-ratelimit-remaining: 0} with {@code x-ratelimit-reset}.
 */
public final class GitHubIssueSource {
  /** Pauses the fetch; tests pass one that records instead of sleeping. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private static final Pattern NEXT = Pattern.compile("<([^>]+)>\\s*;\\s*rel=\"next\"");
  private static final int MAX_ATTEMPTS = 6;
  /** Longer waits than this fail the fetch instead of hanging a terminal for an hour. */
  private static final Duration MAX_WAIT = Duration.ofMinutes(15);

  private final HttpClient http;
  private final URI apiUrl;
  private final Optional<Secret> token;
  private final Duration timeout;
  private final Sleeper sleeper;
  private final Clock clock;
  private final Consumer<String> progress;

  public GitHubIssueSource(URI apiUrl, Optional<Secret> token, Duration timeout, Sleeper sleeper, Clock clock, Consumer<String> progress) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    this.apiUrl = apiUrl;
    this.token = token;
    this.timeout = timeout;
    this.sleeper = sleeper;
    this.clock = clock;
    this.progress = progress;
  }

  /**
   * Up to {@code maxPerType} closed issues per type. {@code labelByType} maps each type to the
   * repository's label for it ({@code feature -> enhancement}). Pull requests, and issues carrying the
   * labels of two types (ambiguous examples), are left out.
   */
  public List<LabelledIssue> fetch(String repo, Map<String, String> labelByType, int maxPerType) throws IOException, InterruptedException {
    Map<Long, LabelledIssue> byNumber = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : labelByType.entrySet()) {
      int kept = 0;
      String url = apiUrl.toString().replaceAll("/+$", "") + "/repos/" + repo + "/issues?state=closed&per_page=100&labels="
          + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8);
      while (url != null && kept < maxPerType) {
        HttpResponse<String> page = get(url);
        JsonNode items = Json.MAPPER.readTree(page.body());
        if (!items.isArray()) throw new IOException("GET " + url + ": expected a JSON array of issues");
        for (JsonNode item : items) {
          if (kept >= maxPerType || item.has("pull_request") || typeLabels(item, labelByType) != 1) continue;
          long number = item.path("number").asLong();
          byNumber.putIfAbsent(number, new LabelledIssue(repo, e.getKey(), item.path("title").asText(""), item.path("body").asText("")));
          kept++;
        }
        url = nextPage(page).orElse(null);
      }
      progress.accept("fetched " + kept + " closed issues labelled '" + e.getValue() + "' (" + e.getKey() + ")");
    }
    return new ArrayList<>(byNumber.values());
  }

  /** How many of the type labels an issue carries; only issues with exactly one are clean examples. */
  private static long typeLabels(JsonNode item, Map<String, String> labelByType) {
    List<String> names = new ArrayList<>();
    item.path("labels").forEach(l -> names.add(l.isTextual() ? l.asText() : l.path("name").asText()));
    return labelByType.values().stream().filter(l -> names.stream().anyMatch(n -> n.equalsIgnoreCase(l))).count();
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(timeout).GET()
          .header("Accept", "application/vnd.github+json")
          .header("X-GitHub-Api-Version", "2022-11-28")
          .header("User-Agent", "hls-triage");
      token.ifPresent(t -> request.header("Authorization", "Bearer " + t.reveal()));
      HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      int status = response.statusCode();
      if (status == 200) {
        // Out of requests for this window: wait now rather than collect a 403 on the next page.
        if (remaining(response) == 0 && nextPage(response).isPresent()) pause(untilReset(response), url);
        return response;
      }
      Optional<Duration> wait = rateLimitWait(response);
      boolean retryable = wait.isPresent() || status >= 500;
      if (!retryable || attempt >= MAX_ATTEMPTS) {
        throw new IOException("GET " + url + " answered " + status + (retryable ? " after " + attempt + " attempts" : "") + ": " + brief(response.body()));
      }
      pause(wait.orElse(Duration.ofSeconds(1L << attempt)), url);
    }
  }

  /** How long GitHub asks us to wait, when the answer is a rate limit (primary or secondary). */
  private Optional<Duration> rateLimitWait(HttpResponse<String> r) {
    if (r.statusCode() != 403 && r.statusCode() != 429) return Optional.empty();
    Optional<String> retryAfter = r.headers().firstValue("retry-after");
    if (retryAfter.isPresent()) {
      try {
        return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.get().strip()))));
      } catch (NumberFormatException e) {
        return Optional.of(Duration.ofSeconds(60)); // GitHub sends seconds; anything else gets the documented minimum
      }
    }
    if (remaining(r) == 0) return Optional.of(untilReset(r));
    // A secondary limit without headers: GitHub says to wait at least a minute.
    return r.statusCode() == 429 || r.body().contains("rate limit") ? Optional.of(Duration.ofSeconds(60)) : Optional.empty();
  }

  private static long remaining(HttpResponse<String> r) {
    return longHeader(r, "x-ratelimit-remaining", -1);
  }

  private static long longHeader(HttpResponse<String> r, String name, long fallback) {
    try {
      return r.headers().firstValue(name).map(String::strip).map(Long::parseLong).orElse(fallback);
    } catch (NumberFormatException e) {
      return fallback; // a proxy mangled the header: behave as if it were absent
    }
  }

  private Duration untilReset(HttpResponse<String> r) {
    long reset = longHeader(r, "x-ratelimit-reset", 0);
    Duration d = Duration.between(clock.instant(), Instant.ofEpochSecond(reset)).plusSeconds(1);
    return d.isNegative() ? Duration.ofSeconds(1) : d;
  }

  private void pause(Duration d, String url) throws IOException, InterruptedException {
    if (d.compareTo(MAX_WAIT) > 0) {
      throw new IOException("GitHub rate limit: would have to wait " + d.toMinutes() + " min before GET " + url + "; try again later");
    }
    progress.accept("rate limited: waiting " + d.toSeconds() + " s");
    sleeper.sleep(d);
  }

  static Optional<String> nextPage(HttpResponse<?> r) {
    for (String link : r.headers().allValues("link")) {
      Matcher m = NEXT.matcher(link);
      if (m.find()) return Optional.of(m.group(1));
    }
    return Optional.empty();
  }

  private static String brief(String body) {
    String s = body == null ? "" : body.replaceAll("\\s+", " ");
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
