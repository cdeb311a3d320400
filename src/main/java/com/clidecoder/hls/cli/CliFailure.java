package com.clidecoder.hls.cli;

/** An operation that could not be done (service down, refused, bad answer): one line and an exit status. */
final class CliFailure extends RuntimeException {
  final int exitCode;

  CliFailure(String message) {
    this(1, message);
  }

  CliFailure(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }
}
