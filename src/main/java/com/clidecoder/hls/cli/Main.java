package com.clidecoder.hls.cli;

import com.clidecoder.hls.app.Version;
import com.clidecoder.hls.config.ConfigProblems;
import com.clidecoder.hls.store.StoreException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Entry point of {@code bin/hls}: picks the subcommand; errors are one line and a non-zero exit, never a trace. */
public final class Main {
  private Main() {}

  static Map<String, Command> commands() {
    Map<String, Command> all = new LinkedHashMap<>();
    for (Command c : List.<Command>of(new ServeCommand(), new ConfigCommand(), new StatsCommand(), new MonitorCommand(), new EventsCommand(), new RetryCommand(), new PurgeCommand(), new ReloadCommand(), new DeliveriesCommand(), new EnqueueCommand(), new ReplayCommand(), new TriageCommand())) all.put(c.name(), c);
    return all;
  }

  public static void main(String[] argv) {
    System.exit(run(List.of(argv), new Cli(System.out, System.err, System.getenv())));
  }

  static int run(List<String> argv, Cli cli) {
    Map<String, Command> commands = commands();
    if (!argv.isEmpty() && (argv.get(0).equals("--version") || argv.get(0).equals("version"))) {
      cli.out.println("hls " + Version.current());
      return 0;
    }
    if (argv.isEmpty() || argv.get(0).equals("help") || argv.get(0).equals("--help") || argv.get(0).equals("-h")) {
      if (argv.size() > 1 && commands.containsKey(argv.get(1))) {
        cli.out.println(commands.get(argv.get(1)).usage());
        return 0;
      }
      help(cli, commands);
      return argv.isEmpty() ? 2 : 0;
    }
    Command command = commands.get(argv.get(0));
    if (command == null) {
      cli.err.println("hls: unknown command '" + argv.get(0) + "' (bin/hls help lists them)");
      return 2;
    }
    List<String> args = new ArrayList<>(argv.subList(1, argv.size()));
    if (args.contains("--help") || args.contains("-h")) {
      cli.out.println(command.usage());
      return 0;
    }
    try {
      return command.run(args, cli);
    } catch (UsageException e) {
      cli.err.println("hls " + command.name() + ": " + e.getMessage() + " (see bin/hls " + command.name() + " --help)");
      return 2;
    } catch (ConfigProblems e) {
      cli.err.println("hls: invalid configuration:");
      e.problems().forEach(p -> cli.err.println("  " + p));
      return 78; // EX_CONFIG
    } catch (StoreException e) {
      cli.err.println("hls " + command.name() + ": " + e.getMessage());
      return 1;
    } catch (Exception e) {
      cli.err.println("hls " + command.name() + ": " + e.getClass().getSimpleName() + ": " + e.getMessage());
      return 1;
    }
  }

  private static void help(Cli cli, Map<String, Command> commands) {
    cli.out.println("Hook Line Sinker: a durable GitHub webhook queue with an AI triage pipeline.");
    cli.out.println();
    cli.out.println("usage: bin/hls COMMAND [OPTIONS]   (bin/hls COMMAND --help for details)");
    cli.out.println();
    commands.values().forEach(c -> cli.out.printf("  %-14s %s%n", c.name(), c.summary()));
    cli.out.printf("  %-14s %s%n", "version", "print \"hls <version>\" (also --version)");
  }
}
