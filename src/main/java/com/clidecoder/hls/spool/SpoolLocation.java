package com.clidecoder.hls.spool;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where the spool is, by one rule for the service, {@code bin/hls replay} and {@code bin/queue-hls-event}:
 * {@code hls.spool.dir} (env {@code HLS_SPOOL_DIR}); a relative path is taken from the HLS folder
 * ({@code HLS_HOME}, which bin/hls exports and the script derives from its own location), else from the
 * working directory. The script cannot read HOCON, so a dir set only in the config file must be given to
 * the handler as {@code HLS_SPOOL_DIR} too.
 */
public final class SpoolLocation {
  private SpoolLocation() {}

  public static Path resolve(Path configured, Map<String, String> env) {
    if (configured.isAbsolute()) return configured;
    String home = env.get("HLS_HOME");
    if (home != null && !home.isBlank()) return Path.of(home).resolve(configured);
    return configured.toAbsolutePath();
  }
}
