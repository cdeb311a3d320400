package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.ConfigLoader;
import java.util.List;

/** {@code config check}: validates the configuration and prints the effective values, secrets masked. */
final class ConfigCommand implements Command {
  @Override
  public String name() {
    return "config";
  }

  @Override
  public String summary() {
    return "config check: validate the configuration and print it with secrets masked";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls config check [--config FILE] [--quiet]

        Loads the file (or HLS_CONFIG, or the embedded defaults), applies environment overrides,
        validates every key and prints the effective hls section with secrets shown as ****.
        Exit status 0 when valid, 78 with one line per problem when not.""";
  }

  @Override
  public int run(List<String> args, Cli cli) {
    if (args.isEmpty() || !args.get(0).equals("check")) throw new UsageException("expected 'config check'");
    args.remove(0);
    boolean quiet = Cli.takeFlag(args, "--quiet");
    ConfigLoader.Loaded loaded = cli.loadConfig(args);
    Cli.noMoreArgs(args);
    if (!quiet) cli.out.println(loaded.renderMasked());
    cli.out.println("configuration OK" + loaded.hls().sourceFile().map(f -> " (" + f + ")").orElse(" (embedded defaults)"));
    return 0;
  }
}
