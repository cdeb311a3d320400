package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clidecoder.hls.config.HlsConfig;
import com.clidecoder.hls.domain.Json;
import com.clidecoder.hls.testkit.RunningService;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/** Reloading the config file: a valid change is published, an invalid file is refused, by API and SIGHUP. */
class ConfigReloadTest {

  @Test
  void validFileIsPublishedAndRestartBoundKeysAreNamed(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "hls.claude.daily-budget-usd = 10.0")) {
      ConfigReloader reloader = svc.app.reloader();
      List<HlsConfig> seen = new CopyOnWriteArrayList<>();
      reloader.addListener(seen::add);
      rewrite(svc.configFile(), "hls.claude.daily-budget-usd = 10.0", "hls.claude.daily-budget-usd = 2.5\nhls.server.webhook-path = \"/hook\""
          + "\nhls.triage.min-confidence = 0.3\nhls.triage.models-dir = \"other-models\"");

      ConfigReloader.Result result = reloader.reload();

      ConfigReloader.Reloaded ok = assertInstanceOf(ConfigReloader.Reloaded.class, result);
      assertEquals(2.5, reloader.current().claude().dailyBudgetUsd());
      assertEquals(1, seen.size());
      assertEquals(2.5, seen.get(0).claude().dailyBudgetUsd());
      assertEquals(List.of("server.webhook-path", "triage.models-dir"), ok.restartRequired(),
          "min-confidence applies at once; the models folder needs a restart");
      assertTrue(ok.listenerFailures().isEmpty());
    }
  }

  @Test
  void invalidFileIsRefusedWithTheLoadersMessagesAndTheRunningConfigStays(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "hls.claude.daily-budget-usd = 10.0")) {
      ConfigReloader reloader = svc.app.reloader();
      List<HlsConfig> seen = new CopyOnWriteArrayList<>();
      reloader.addListener(seen::add);
      rewrite(svc.configFile(), "hls.claude.daily-budget-usd = 10.0", "hls.claude.daily-budget-usd = 2.5\nhls.workers.max-retriez = 3");

      ConfigReloader.Rejected rejected = assertInstanceOf(ConfigReloader.Rejected.class, reloader.reload());

      assertTrue(rejected.problems().stream().anyMatch(p -> p.contains("max-retriez") && p.contains("max-retries")),
          rejected.problems().toString());
      assertEquals(10.0, reloader.current().claude().dailyBudgetUsd());
      assertTrue(seen.isEmpty());
    }
  }

  @Test
  void postApiReloadAppliesAccessRulesAtOnceAndRefusesABadFileWith422(@TempDir Path dir) throws Exception {
    try (RunningService svc = new RunningService(dir, "hls.api.public-read = false")) {
      assertEquals(403, svc.get("/api/events", "X-Forwarded-For", "203.0.113.1").statusCode());
      rewrite(svc.configFile(), "hls.api.public-read = false", "hls.api.public-read = true");

      HttpResponse<String> ok = svc.post("/api/reload");
      assertEquals(200, ok.statusCode(), ok.body());
      JsonNode body = Json.MAPPER.readTree(ok.body());
      assertEquals("reloaded", body.path("status").asText());
      assertEquals(0, body.path("restart_required").size());
      assertEquals(200, svc.get("/api/events", "X-Forwarded-For", "203.0.113.1").statusCode());

      rewrite(svc.configFile(), "hls.api.public-read = true", "hls.api.public-read = maybe");
      HttpResponse<String> bad = svc.post("/api/reload");
      assertEquals(422, bad.statusCode(), bad.body());
      JsonNode refused = Json.MAPPER.readTree(bad.body());
      assertEquals("rejected", refused.path("status").asText());
      assertTrue(refused.path("problems").toString().contains("public-read"), refused.toString());
      assertEquals(200, svc.get("/api/events", "X-Forwarded-For", "203.0.113.1").statusCode(), "running config stays");
      assertEquals(403, svc.post("/api/reload", "X-Forwarded-For", "203.0.113.1").statusCode(), "reload is mutating");
    }
  }

  @Test
  void sighupReloads(@TempDir Path dir) throws Exception {
    Assumptions.assumeFalse(System.getProperty("os.name").toLowerCase().contains("win"), "no SIGHUP on Windows");
    try (RunningService svc = new RunningService(dir, "hls.claude.daily-budget-usd = 10.0", Map.of())) {
      LinkedBlockingQueue<HlsConfig> seen = new LinkedBlockingQueue<>();
      svc.app.reloader().addListener(seen::add);
      // Under nohup (SIGHUP ignored from the start) the JVM installs no handler and nothing can be tested.
      Assumptions.assumeTrue(HangupSignal.install(svc.app.reloader()), "SIGHUP is ignored in this JVM (nohup)");
      rewrite(svc.configFile(), "hls.claude.daily-budget-usd = 10.0", "hls.claude.daily-budget-usd = 4.0");

      Signal.raise(new Signal("HUP"));

      HlsConfig next = seen.poll(10, TimeUnit.SECONDS);
      assertEquals(4.0, next == null ? -1 : next.claude().dailyBudgetUsd());
    }
  }

  private static void rewrite(Path file, String from, String to) throws Exception {
    String text = Files.readString(file);
    assertTrue(text.contains(from), text);
    Files.writeString(file, text.replace(from, to));
  }
}
