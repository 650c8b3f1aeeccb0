package dev.keyway.bench.load;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The JDK's jcmd against the broker: its effective heap flags, and JFR started and stopped around one step. */
final class Jcmd {

    private Jcmd() {
    }

    static String run(long pid, String... command) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>();
        args.add(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString());
        args.add(String.valueOf(pid));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed: " + output);
        }
        return output;
    }

    /** "G1, max heap 6028 MiB" from the running JVM's final flags. */
    static String heapSettings(long pid) {
        try {
            String flags = run(pid, "VM.flags");
            String gc = Optional.of(Pattern.compile("-XX:\\+Use(\\w+)GC").matcher(flags)).filter(Matcher::find)
                    .map(m -> m.group(1)).orElse("?");
            String max = Optional.of(Pattern.compile("-XX:MaxHeapSize=(\\d+)").matcher(flags)).filter(Matcher::find)
                    .map(m -> Long.parseLong(m.group(1)) / (1024 * 1024) + " MiB").orElse("?");
            String initial = Optional.of(Pattern.compile("-XX:InitialHeapSize=(\\d+)").matcher(flags)).filter(Matcher::find)
                    .map(m -> Long.parseLong(m.group(1)) / (1024 * 1024) + " MiB").orElse("?");
            return gc + " GC, initial heap " + initial + ", max heap " + max;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown (interrupted)";
        } catch (IOException e) {
            return "unknown (jcmd failed: " + e.getMessage() + ")";
        }
    }
}
