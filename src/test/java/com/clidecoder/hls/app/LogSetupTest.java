package com.clidecoder.hls.app;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import com.clidecoder.hls.config.HlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** {@code hls.logging}: the service's rolling file receives the log, and the level is honoured. */
class LogSetupTest {
  @Test
  void rollingFileGetsTheLogAndTheLevelFiltersIt(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logs/hls.log");
    LoggerContext ctx = (LoggerContext) LoggerFactory.getILoggerFactory();
    Logger root = ctx.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    var before = root.getLevel();
    try {
      LogSetup.level(new HlsConfig.Logging("WARN", file));
      LogSetup.rollingFile(new HlsConfig.Logging("WARN", file));
      org.slf4j.Logger log = LoggerFactory.getLogger("com.clidecoder.hls.test");
      log.info("event=hidden_at_warn");
      log.warn("event=written_at_warn key=value");
      String text = Files.readString(file);
      assertTrue(text.contains("WARN") && text.contains("event=written_at_warn key=value"), text);
      assertFalse(text.contains("event=hidden_at_warn"), text);
    } finally {
      var appender = root.getAppender("FILE");
      root.detachAppender("FILE");
      if (appender != null) appender.stop();
      root.setLevel(before);
    }
  }
}
