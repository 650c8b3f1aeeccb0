package dev.keyway.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** What Linux says about a process: CPU time (utime + stime), resident memory, threads. */
final class ProcessStats {

    private ProcessStats() {
    }

    /** CPU seconds the process has used, user + system (from /proc/&lt;pid&gt;/stat via ProcessHandle). */
    static double cpuSeconds(ProcessHandle process) {
        return process.info().totalCpuDuration().orElse(Duration.ZERO).toNanos() / 1e9;
    }

    /** A field of /proc/&lt;pid&gt;/status in kB (VmRSS, VmHWM) or as a count (Threads); -1 when unreadable. */
    static long status(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    static double rssMiB(long pid) {
        return status(pid, "VmRSS") / 1024.0;
    }

    static double peakRssMiB(long pid) {
        return status(pid, "VmHWM") / 1024.0;
    }

    /** The 1-minute load average, from /proc/loadavg. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
