package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.ConfigLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What every subcommand shares: output streams, the environment, and loading config the same way. */
final class Cli {
  final PrintStream out;
  final PrintStream err;
  final Map<String, String> env;

  Cli(PrintStream out, PrintStream err, Map<String, String> env) {
    this.out = out;
    this.err = err;
    this.env = env;
  }

  /** Removes {@code --config FILE} (or {@code --config=FILE}) from args and returns the loaded config. */
  ConfigLoader.Loaded loadConfig(List<String> args) {
    return ConfigLoader.load(ConfigLoader.chooseFile(takeOption(args, "--config").map(Path::of), env), env);
  }

  /** Removes {@code NAME VALUE} or {@code NAME=VALUE} from args. */
  static Optional<String> takeOption(List<String> args, String name) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals(name)) {
        if (i + 1 >= args.size()) throw new UsageException(name + " needs a value");
        String v = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return Optional.of(v);
      }
      if (a.startsWith(name + "=")) {
        args.remove(i);
        return Optional.of(a.substring(name.length() + 1));
      }
    }
    return Optional.empty();
  }

  /** Removes a flag from args; true when it was there. */
  static boolean takeFlag(List<String> args, String name) {
    return args.remove(name);
  }

  static void noMoreArgs(List<String> args) {
    if (!args.isEmpty()) throw new UsageException("unexpected argument: " + args.get(0));
  }

  static List<String> mutable(List<String> args) {
    return new ArrayList<>(args);
  }
}
