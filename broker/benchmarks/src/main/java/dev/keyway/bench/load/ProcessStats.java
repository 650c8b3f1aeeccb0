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

    /**
     * CPU seconds the JVM's JIT compiler threads have used (threads named "C1/C2 CompilerThread*"
     * in /proc/&lt;pid&gt;/task), or -1 when unreadable: while C2 is still busy, the broker is not warm.
     */
    static double compilerCpuSeconds(long pid) {
        double ticks = 0;
        try (var tasks = Files.newDirectoryStream(Path.of("/proc", String.valueOf(pid), "task"))) {
            for (Path task : tasks) {
                try {
                    if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                        String stat = Files.readString(task.resolve("stat"));
                        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                        ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
                    }
                } catch (IOException threadEnded) {
                    // a compiler thread may stop between listing and reading
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return ticks / 100.0; // USER_HZ is 100 on Linux
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
