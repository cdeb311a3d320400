package com.clidecoder.hls.cli;

import java.util.List;

/**
 * Base of the operator subcommands: a {@link CliFailure} becomes {@code hls NAME: message} on stderr and
 * its exit status, so "the service is down" reads as one line, never as an exception name or a trace.
 */
abstract class OperatorCommand implements Command {
  @Override
  public final int run(List<String> args, Cli cli) throws Exception {
    try {
      return execute(args, cli);
    } catch (CliFailure e) {
      cli.err.println("hls " + name() + ": " + e.getMessage());
      return e.exitCode;
    }
  }

  abstract int execute(List<String> args, Cli cli) throws Exception;
}
