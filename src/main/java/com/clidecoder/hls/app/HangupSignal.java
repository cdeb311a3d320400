package com.clidecoder.hls.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGHUP reloads the configuration ({@code systemctl reload hls} sends it). Installed once per process
 * by {@code serve}; each signal reloads on a short-lived thread of its own (file I/O blocks).
 */
public final class HangupSignal {
  private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

  private HangupSignal() {}

  /**
   * Returns false where the platform has no SIGHUP (Windows), and where the process was started with SIGHUP
   * ignored (nohup): the JVM then leaves it ignored and installs nothing. The other reload paths still work.
   */
  public static boolean install(ConfigReloader reloader) {
    try {
      SignalHandler previous = Signal.handle(new Signal("HUP"), signal -> onHangup(reloader));
      if (previous == SignalHandler.SIG_IGN) {
        log.warn("event=sighup_unavailable reason=\"SIGHUP is ignored by this process (started under nohup?)\""
            + " reload=\"bin/hls reload or POST /api/reload\"");
        return false;
      }
      return true;
    } catch (IllegalArgumentException e) {
      log.warn("event=sighup_unavailable reason={}", e.getMessage());
      return false;
    }
  }

  private static void onHangup(ConfigReloader reloader) {
    log.info("event=sighup action=reload");
    // The JVM's signal thread has no context class loader, which Typesafe Config needs to find
    // reference.conf; the reload gets its own thread with the application's loader.
    Thread worker = new Thread(() -> reload(reloader), "hls-sighup-reload");
    worker.setContextClassLoader(HangupSignal.class.getClassLoader());
    worker.setDaemon(true);
    worker.start();
  }

  private static void reload(ConfigReloader reloader) {
    try {
      if (reloader.reload() instanceof ConfigReloader.Rejected r) {
        log.warn("event=sighup_reload_rejected problems={} (the running configuration stays)", r.problems().size());
      }
    } catch (RuntimeException e) {
      // Nobody waits on a signal: the log is where this failure is reported.
      log.error("event=sighup_reload_failed error={}", e.toString(), e);
    }
  }
}
