package com.clidecoder.hls.testkit;

import com.clidecoder.hls.config.ConfigLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Builds real, validated configs for tests: a HOCON snippet written to a file in a temp folder. */
public final class TestConfigs {
  private TestConfigs() {}

  /**
   * Loads {@code hocon} (the body of a config file) with the database in {@code dir}, HTTP on port 0,
   * logs in {@code dir}; the snippet may override any of that.
   */
  public static ConfigLoader.Loaded load(Path dir, String hocon) {
    return load(dir, hocon, Map.of());
  }

  public static ConfigLoader.Loaded load(Path dir, String hocon, Map<String, String> env) {
    String file =
        "hls.server.port = 0\n"
            + "hls.database.path = \"" + dir.resolve("webhooks.db").toString().replace("\\", "/") + "\"\n"
            + "hls.logging.file = \"" + dir.resolve("hls.log").toString().replace("\\", "/") + "\"\n"
            // never the project's own spool/: a test service would drain (and delete) it
            + "hls.spool.dir = \"" + dir.resolve("spool").toString().replace("\\", "/") + "\"\n"
            + hocon + "\n";
    try {
      Path path = Files.createTempFile(dir, "hls-", ".conf");
      Files.writeString(path, file);
      return ConfigLoader.load(Optional.of(path), env);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
