package com.clidecoder.hls.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP reloads the configuration ({@code systemctl reload hls} sends it). Installed once per process
 * by {@code serve}; the reload runs on the JVM's signal thread, which may block on file I/O.
 */
public final class HangupSignal {
  private static final Logger log = LoggerFactory.getLogger(HangupSignal.class);

  private HangupSignal() {}

  /** Returns false where the platform has no SIGHUP (Windows); the other reload paths still work. */
  public static boolean install(ConfigReloader reloader) {
    try {
      Signal.handle(new Signal("HUP"), signal -> onHangup(reloader));
      return true;
    } catch (IllegalArgumentException e) {
      log.warn("event=sighup_unavailable reason={}", e.getMessage());
      return false;
    }
  }

  private static void onHangup(ConfigReloader reloader) {
    log.info("event=sighup action=reload");
    ConfigReloader.Result result = reloader.reload();
    if (result instanceof ConfigReloader.Rejected r) {
      log.warn("event=sighup_reload_rejected problems={} (the running configuration stays)", r.problems().size());
    }
  }
}
