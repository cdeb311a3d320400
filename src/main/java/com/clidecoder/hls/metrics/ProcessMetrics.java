package com.clidecoder.hls.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The standard Prometheus process families under their usual names ({@code process_cpu_seconds_total},
 * {@code process_resident_memory_bytes}, {@code process_virtual_memory_bytes}, {@code process_open_fds},
 * {@code process_max_fds}), read from /proc/self as the Prometheus client libraries do; Micrometer's own
 * binders use other names. {@code process_start_time_seconds} comes from Micrometer's UptimeMetrics.
 * Off Linux (no /proc) the families are not registered rather than reported as 0.
 */
final class ProcessMetrics {
  private static final Path PROC = Path.of("/proc/self");
  /** USER_HZ: the unit of utime/stime in /proc/self/stat; 100 on every Linux platform Java runs on. */
  private static final double TICKS_PER_SECOND = 100.0;
  private static final long PAGE_SIZE = 4096;

  private ProcessMetrics() {}

  static void bindTo(MeterRegistry registry) {
    if (!Files.isReadable(PROC.resolve("stat"))) return;
    FunctionCounter.builder("process.cpu", PROC, p -> cpuSeconds())
        .baseUnit("seconds").description("User and system CPU time spent by the process").register(registry);
    Gauge.builder("process.resident.memory", PROC, p -> statm(1) * PAGE_SIZE)
        .baseUnit("bytes").description("Resident memory size").register(registry);
    Gauge.builder("process.virtual.memory", PROC, p -> statm(0) * PAGE_SIZE)
        .baseUnit("bytes").description("Virtual memory size").register(registry);
    Gauge.builder("process.open.fds", PROC, p -> openFds()).description("Open file descriptors").register(registry);
    Gauge.builder("process.max.fds", PROC, p -> maxFds()).description("Limit of open file descriptors").register(registry);
  }

  static double cpuSeconds() {
    try {
      String stat = Files.readString(PROC.resolve("stat"));
      // Fields after the command name, which is in parentheses and may itself hold spaces.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double statm(int field) {
    try {
      return Long.parseLong(Files.readString(PROC.resolve("statm")).strip().split(" ")[field]);
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double openFds() {
    try (var fds = Files.list(PROC.resolve("fd"))) {
      return fds.count();
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  private static double maxFds() {
    try {
      List<String> limits = Files.readAllLines(PROC.resolve("limits"));
      for (String line : limits) {
        if (line.startsWith("Max open files")) {
          String soft = line.substring("Max open files".length()).strip().split("\\s+")[0];
          return soft.equals("unlimited") ? Double.POSITIVE_INFINITY : Double.parseDouble(soft);
        }
      }
      return Double.NaN;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }
}
