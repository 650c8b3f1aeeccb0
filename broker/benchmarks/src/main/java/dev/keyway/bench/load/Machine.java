package dev.keyway.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Stream;

/** The machine a run happened on, for the report: without it a number means nothing. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        return String.format(Locale.ROOT, "%d cores (%s), %s MiB RAM, %s %s (%s), %s %s; load average %s",
                Runtime.getRuntime().availableProcessors(), cpuModel(), memTotalMiB(), System.getProperty("java.vm.name"),
                System.getProperty("java.runtime.version"), System.getProperty("java.vm.vendor"), System.getProperty("os.name"),
                System.getProperty("os.version"), loadAverages()) + memoryMonitor();
    }

    /**
     * A running DAMON memory monitor, said in the report: its sampling bursts stalled both cores for
     * 8-32 ms every ~0.5 s under load here, which set the p99 (docs/performance.md, "Latest run").
     */
    private static String memoryMonitor() {
        Path kdamonds = Path.of("/sys/kernel/mm/damon/admin/kdamonds");
        try (Stream<Path> each = Files.list(kdamonds)) {
            long running = each.filter(k -> {
                try {
                    return Files.readString(k.resolve("state")).strip().equals("on");
                } catch (IOException e) {
                    return false;
                }
            }).count();
            return running == 0 ? "" : "; DAMON memory monitor running (" + kdamonds
                    + "): expect its sampling to stall the machine and set the p99";
        } catch (IOException e) {
            return ""; // no DAMON on this kernel, or not readable
        }
    }

    static String loadAverages() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " / " + parts[1] + " / " + parts[2] + " (1/5/15 min)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    private static String memTotalMiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> String.valueOf(Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024)).findFirst().orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }
}
