package com.clidecoder.hls.app;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeAndTimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import com.clidecoder.hls.config.HlsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Applies {@code hls.logging}: the root level, and for the service a rolling file (daily and by size). */
public final class LogSetup {
  private LogSetup() {}

  public static void level(HlsConfig.Logging logging) {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx) {
      ctx.getLogger(Logger.ROOT_LOGGER_NAME).setLevel(Level.toLevel(logging.level(), Level.INFO));
    }
  }

  public static void rollingFile(HlsConfig.Logging logging) {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext ctx)) return;
    String file = logging.file().toAbsolutePath().toString();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(ctx);
    encoder.setPattern("%d{yyyy-MM-dd'T'HH:mm:ss.SSSX} %-5level [%thread] %logger{24} - %msg%n");
    encoder.start();
    RollingFileAppender<ch.qos.logback.classic.spi.ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(ctx);
    appender.setName("FILE");
    appender.setFile(file);
    SizeAndTimeBasedRollingPolicy<ch.qos.logback.classic.spi.ILoggingEvent> policy =
        new SizeAndTimeBasedRollingPolicy<>();
    policy.setContext(ctx);
    policy.setParent(appender);
    policy.setFileNamePattern(file + ".%d{yyyy-MM-dd}.%i.gz");
    policy.setMaxFileSize(FileSize.valueOf("50MB"));
    policy.setMaxHistory(14);
    policy.setTotalSizeCap(FileSize.valueOf("1GB"));
    policy.start();
    appender.setRollingPolicy(policy);
    appender.setEncoder(encoder);
    appender.start();
    ctx.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(appender);
  }
}
