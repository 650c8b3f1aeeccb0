package dev.keyway.broker.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the real, packaged broker jar as a user would. */
final class Jar {

    static final Path JAR = Path.of(System.getProperty("keyway.jar", "target/keyway-broker.jar")).toAbsolutePath();
    static final Path ROOT = Path.of(System.getProperty("keyway.root", "..")).toAbsolutePath().normalize();

    record Run(int exit, String out, String err) {
        List<String> lines() {
            return out.lines().toList();
        }
    }

    private Jar() {
    }

    static Run run(Path workDir, String... args) throws IOException, InterruptedException {
        return run(workDir, Map.of(), args);
    }

    static Run run(Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(Jvm.TEST, workDir, env, args);
    }

    static Run run(Jvm jvm, Path workDir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        Process process = builder(jvm, workDir, env, args).start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("keyway " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    /** Starts a long-running broker; its output goes to {@code broker.out} and {@code broker.err} in {@code workDir}. */
    static Process start(Path workDir, Map<String, String> env, String... args) throws IOException {
        return start(Jvm.TEST, workDir, env, args);
    }

    static Process start(Jvm jvm, Path workDir, Map<String, String> env, String... args) throws IOException {
        return builder(jvm, workDir, env, args)
                .redirectOutput(workDir.resolve("broker.out").toFile())
                .redirectError(workDir.resolve("broker.err").toFile())
                .start();
    }

    static String output(Path workDir, String stream) throws IOException {
        return Files.readString(workDir.resolve("broker." + stream));
    }

    /** The {@code java} to run the jar with, and the options before {@code -jar}. */
    record Jvm(String java, List<String> options) {
        static final Jvm TEST = new Jvm(Path.of(System.getProperty("java.home"), "bin", "java").toString(), List.of());

        Jvm with(String... more) {
            List<String> all = new ArrayList<>(options);
            all.addAll(List.of(more));
            return new Jvm(java, all);
        }
    }

    private static ProcessBuilder builder(Jvm jvm, Path workDir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        command.add(jvm.java());
        command.addAll(jvm.options());
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        // A clean environment for the settings that switch demo mode off, then the test's own.
        builder.environment().keySet().removeIf(k -> k.startsWith("KEYWAY_") || k.startsWith("MICRONAUT_"));
        builder.environment().putAll(env);
        return builder;
    }

    static Path write(Path dir, String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newBuilder()
            .connectTimeout(java.time.Duration.ofSeconds(2)).build();

    /** GET on a broker started with {@link #start}; loopback only. */
    static java.net.http.HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    /** GET once the broker listens: retries while the port is closed, for up to a minute. */
    static java.net.http.HttpResponse<String> await(int port, String path) throws Exception {
        return await(null, null, port, path);
    }

    /** As {@link #await(int, String)}, but fails at once, with its exit code and standard error, if a broker {@link #start}ed in {@code workDir} has exited. */
    static java.net.http.HttpResponse<String> await(Process broker, Path workDir, int port, String path) throws Exception {
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (true) {
            try {
                return get(port, path);
            } catch (IOException notYetListening) {
                if (broker != null && !broker.isAlive()) {
                    throw new IllegalStateException("the broker exited with " + broker.exitValue() + " before listening:\n" + output(workDir, "err"));
                }
                if (System.nanoTime() > deadline) {
                    throw notYetListening;
                }
                Thread.sleep(200);
            }
        }
    }

    static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
