package com.clidecoder.hls.cli;

import java.util.List;

/** One {@code bin/hls} subcommand. Returns the process exit status; prints errors as one line. */
interface Command {
  String name();

  /** One line for {@code bin/hls help}. */
  String summary();

  /** The text of {@code bin/hls NAME --help}. */
  String usage();

  int run(List<String> args, Cli cli) throws Exception;
}
