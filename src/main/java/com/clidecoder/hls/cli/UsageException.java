package com.clidecoder.hls.cli;

/** A bad command line: printed as one line with a pointer to {@code --help}, exit status 2. */
final class UsageException extends RuntimeException {
  UsageException(String message) {
    super(message);
  }
}
