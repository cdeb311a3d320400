package com.clidecoder.hls.cli;

import com.clidecoder.hls.config.ConfigLoader;
import com.clidecoder.hls.config.SeedSettingsImport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * {@code config check}: validates the configuration and prints the effective values, secrets masked.
 * {@code config import}: turns the seed's settings.yaml into HOCON.
 */
final class ConfigCommand implements Command {
  @Override
  public String name() {
    return "config";
  }

  @Override
  public String summary() {
    return "config check: validate and print the configuration; config import: settings.yaml to HOCON";
  }

  @Override
  public String usage() {
    return """
        usage: bin/hls config check [--config FILE] [--quiet]

        Loads the file (or HLS_CONFIG, or the embedded defaults), applies environment overrides,
        validates every key and prints the effective hls section with secrets shown as ****.
        Exit status 0 when valid, 78 with one line per problem when not.

        usage: bin/hls config import FILE.yaml [--out FILE] [--force]

        Turns the seed's config/settings.yaml into an HLS HOCON file (to stdout, or to --out FILE,
        which is not overwritten without --force). Secrets become ${?VARIABLE} substitutions and are
        never written; stderr says which variables to set and which keys HLS has no setting for
        (those are carried as comments). Malformed YAML: one line with its line and column, exit 2.""";
  }

  @Override
  public int run(List<String> args, Cli cli) throws Exception {
    if (!args.isEmpty() && args.get(0).equals("import")) {
      args.remove(0);
      return importSettings(args, cli);
    }
    if (args.isEmpty() || !args.get(0).equals("check")) throw new UsageException("expected 'config check' or 'config import'");
    args.remove(0);
    boolean quiet = Cli.takeFlag(args, "--quiet");
    ConfigLoader.Loaded loaded = cli.loadConfig(args);
    Cli.noMoreArgs(args);
    if (!quiet) cli.out.println(loaded.renderMasked());
    if (!quiet) cli.out.println("GitHub identity: " + loaded.hls().github().identity());
    cli.out.println("configuration OK" + loaded.hls().sourceFile().map(f -> " (" + f + ")").orElse(" (embedded defaults)"));
    return 0;
  }

  private static int importSettings(List<String> args, Cli cli) throws java.io.IOException {
    java.util.Optional<Path> outFile = Cli.takeOption(args, "--out").map(Path::of);
    boolean force = Cli.takeFlag(args, "--force");
    if (args.isEmpty()) throw new UsageException("config import needs the settings.yaml to read");
    Path yaml = Path.of(args.remove(0));
    Cli.noMoreArgs(args);
    if (!Files.isRegularFile(yaml)) return refuse(cli, yaml + ": not found or not a regular file");
    if (outFile.isPresent() && Files.exists(outFile.get()) && !force) {
      return refuse(cli, outFile.get() + " exists: not overwritten (add --force to replace it)");
    }
    SeedSettingsImport.Result result;
    try {
      result = SeedSettingsImport.convert(Files.readString(yaml, StandardCharsets.UTF_8), yaml.toString());
    } catch (SeedSettingsImport.MalformedYaml e) {
      return refuse(cli, e.getMessage());
    }
    result.notes().forEach(n -> cli.err.println("hls config import: " + n));
    if (outFile.isEmpty()) {
      cli.out.print(result.hocon());
      return 0;
    }
    if (force) Files.writeString(outFile.get(), result.hocon(), StandardCharsets.UTF_8);
    else Files.writeString(outFile.get(), result.hocon(), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW);
    cli.err.println("hls config import: wrote " + outFile.get() + "; check it with bin/hls config check --config " + outFile.get());
    return 0;
  }

  private static int refuse(Cli cli, String why) {
    cli.err.println("hls config import: " + why);
    return 2;
  }
}
