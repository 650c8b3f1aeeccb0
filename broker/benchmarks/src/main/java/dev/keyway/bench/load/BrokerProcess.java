package dev.keyway.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real broker jar in its own JVM, configured through MICRONAUT_CONFIG_FILES as an operator
 * would, listening on a free loopback port. Its own process, so its CPU time and RSS are its own.
 * Audit lines (stdout, the default sink) go to a file; logs (stderr) to another.
 */
final class BrokerProcess implements AutoCloseable {

    private static final Pattern STARTUP = Pattern.compile("Startup completed in (\\d+)ms");

    private final Process process;
    private final Path log;
    final InetSocketAddress address;
    /** Seconds from launching the JVM to the first 200 from /health/readiness. */
    final double readySeconds;

    private BrokerProcess(Process process, Path log, InetSocketAddress address, double readySeconds) {
        this.process = process;
        this.log = log;
        this.address = address;
        this.readySeconds = readySeconds;
    }

    /**
     * Starts {@code java [jvmArgs] -jar jar} with a generated config in {@code dir} and waits for
     * readiness (policy loaded, store reachable). {@code redisUri} empty means the memory store.
     * Both rate limits are on, so every exchange takes its permits from the store as in production.
     */
    static BrokerProcess start(Path jar, Path dir, Path policyDir, Path keysDir, Optional<String> redisUri, List<String> jvmArgs)
            throws IOException, InterruptedException {
        int port = freePort();
        Path config = dir.resolve("keyway.yml");
        Files.writeString(config, """
                micronaut:
                  server:
                    host: 127.0.0.1
                    port: %d
                keyway:
                  public-url: http://127.0.0.1:%d
                  policy:
                    paths: ["%s"]
                  keys:
                    dir: "%s"
                  store:
                    type: %s
                %s  audit:
                    sinks: [stdout]
                  limits:
                    rate: # both on, as production runs (CONTRACT §2), too generous ever to refuse here
                      per-identity: 1000000000/m
                      per-binding: 1000000000/m
                """.formatted(port, port, policyDir, keysDir, redisUri.isPresent() ? "redis" : "memory",
                redisUri.map(uri -> "    redis-uri: " + uri + "\n").orElse("")));
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toAbsolutePath().toString());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(dir.resolve("audit.jsonl").toFile())
                .redirectError(dir.resolve("broker.log").toFile());
        builder.environment().keySet().removeIf(k -> k.startsWith("KEYWAY_") || k.startsWith("MICRONAUT_") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("MICRONAUT_CONFIG_FILES", config.toString());
        long launched = System.nanoTime();
        Process process = builder.start();
        InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        double ready = awaitReady(process, address, launched, dir.resolve("broker.log"));
        return new BrokerProcess(process, dir.resolve("broker.log"), address, ready);
    }

    private static double awaitReady(Process process, InetSocketAddress address, long launched, Path log)
            throws IOException, InterruptedException {
        byte[] probe = RawHttp.get("127.0.0.1:" + address.getPort(), "/health/readiness");
        long deadline = launched + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the broker exited with " + process.exitValue() + " before it was ready; see " + log);
            }
            try (RawHttp http = new RawHttp(address, 2000)) {
                if (http.send(probe, false).status() == 200) {
                    return (System.nanoTime() - launched) / 1e9;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(5);
        }
        process.destroyForcibly();
        throw new IOException("the broker was not ready within 120 s; see " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Gauges or counters from one scrape of the broker's {@code /prometheus} (lines {@code name value},
     * no labels); a name the broker does not export, or a failed scrape, is left out.
     */
    Map<String, Double> metrics(String... names) {
        Map<String, Double> found = new HashMap<>();
        try (RawHttp http = new RawHttp(address, 5000)) {
            String text = new String(http.send(RawHttp.get("127.0.0.1:" + address.getPort(), "/prometheus"), true).body(),
                    java.nio.charset.StandardCharsets.UTF_8);
            text.lines().forEach(line -> {
                for (String name : names) {
                    if (line.startsWith(name + " ")) {
                        found.put(name, Double.parseDouble(line.substring(name.length() + 1).trim()));
                    }
                }
            });
        } catch (IOException | RuntimeException e) {
            found.clear();
        }
        return found;
    }

    /** Micronaut's own "Startup completed in N ms" (context start, excluding JVM boot), when logged. */
    Optional<Integer> micronautStartupMillis() {
        try {
            Matcher m = STARTUP.matcher(Files.readString(log));
            return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(15, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
