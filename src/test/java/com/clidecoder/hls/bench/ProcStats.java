package com.clidecoder.hls.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What /proc says about one process: CPU time (tick-sampled and exact), its threads, its open TCP
 * connections and its memory, which is what an operator's top and ss would show.
 */
public final class ProcStats {
  private final long pid;

  public ProcStats(long pid) {
    this.pid = pid;
  }

  /** utime + stime of the process in clock ticks (USER_HZ, 100 on Linux). */
  public long cpuTicks() throws IOException {
    String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  /**
   * utime + stime of each of the process's threads in clock ticks, summed by thread name (numbers
   * dropped, so a pool's threads add up): where CPU goes while the service should be idle.
   */
  public java.util.Map<String, Long> cpuTicksByThread() throws IOException {
    java.util.Map<String, Long> ticks = new java.util.TreeMap<>();
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')).replaceAll("[0-9#]+", "N");
          String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          ticks.merge(name.replace(' ', '_'), Long.parseLong(f[11]) + Long.parseLong(f[12]), Long::sum);
        } catch (IOException | RuntimeException gone) {
          // the thread ended between the listing and the read
        }
      }
    }
    return ticks;
  }

  /** Resident set size in KiB, from /proc/PID/status. */
  /**
   * Time on CPU of all the process's threads in nanoseconds, from each thread's
   * {@code /proc/PID/task/TID/schedstat}: the scheduler's exact account, where utime + stime are
   * sampled at the clock tick and over-count threads that wake briefly and often.
   */
  public long cpuNanos() throws IOException {
    return schedstat(0);
  }

  /** How many times the process's threads were put on a CPU (schedstat's third field): its wake-ups. */
  public long cpuRuns() throws IOException {
    return schedstat(2);
  }

  private long schedstat(int field) throws IOException {
    long sum = 0;
    try (java.util.stream.Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
      for (Path task : tasks.toList()) {
        try {
          sum += Long.parseLong(Files.readString(task.resolve("schedstat")).trim().split(" ")[field]);
        } catch (IOException | RuntimeException gone) {
          // the thread ended between the listing and the read
        }
      }
    }
    return sum;
  }

  /**
   * The process's established TCP connections: its socket descriptors matched against the kernel's
   * table (/proc/PID/net/tcp and tcp6, state 01). Each open connection costs pekko-http an idle-timeout
   * check a second until it closes.
   */
  public int establishedConnections() throws IOException {
    java.util.Set<String> sockets = new java.util.HashSet<>();
    try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) sockets.add(target.substring(8, target.length() - 1));
        } catch (IOException gone) {
          // closed between the listing and the read
        }
      }
    }
    int established = 0;
    for (String table : List.of("tcp", "tcp6")) {
      Path file = Path.of("/proc/" + pid + "/net/" + table);
      if (!Files.exists(file)) continue;
      for (String line : Files.readAllLines(file)) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("01") && sockets.contains(f[9])) established++;
      }
    }
    return established;
  }

  public long rssKiB() throws IOException {
    return procStatus("VmRSS:");
  }

  public long peakRssKiB() throws IOException {
    return procStatus("VmHWM:");
  }

  private long procStatus(String key) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
      if (line.startsWith(key)) return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }
    return -1;
  }

}
