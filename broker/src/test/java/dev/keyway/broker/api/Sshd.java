package dev.keyway.broker.api;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenSSH sshd (Debian's openssh-server) on a free loopback port, with its own host key and
 * the given authentication settings, logging to a file. Closing it stops the process.
 */
final class Sshd implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/sbin/sshd");

    final int port;
    final Path log;
    private final Process process;

    private Sshd(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** {@code settings}: sshd_config lines on top of a locked-down base (keys and certificates only, no PAM). */
    static Sshd start(Path dir, List<String> settings) throws Exception {
        Files.createDirectories(dir);
        Path hostKey = dir.resolve("host_ed25519");
        if (!Files.exists(hostKey)) {
            Tools.ok(dir, "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", hostKey.toString());
        }
        privilegeSeparationDirectory();
        List<String> config = new ArrayList<>(List.of(
                "ListenAddress 127.0.0.1",
                "HostKey " + hostKey,
                "PidFile none",
                "PubkeyAuthentication yes",
                "PasswordAuthentication no",
                "KbdInteractiveAuthentication no",
                "StrictModes no",
                "UsePAM no",
                "LogLevel VERBOSE"));
        config.addAll(settings);
        Path configFile = Files.write(dir.resolve("sshd_config"), config);
        for (int attempt = 1; ; attempt++) {
            int port = freePort();
            Path log = dir.resolve("sshd-" + port + ".log");
            Process process = new ProcessBuilder(BINARY.toString(), "-D", "-e", "-f", configFile.toString(), "-p", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Sshd sshd = new Sshd(process, port, log);
            if (sshd.awaitBanner()) {
                return sshd;
            }
            sshd.close();
            if (attempt == 3) {
                throw new IllegalStateException("sshd did not start: " + Files.readString(log));
            }
        }
    }

    /** As root, sshd needs its privilege separation directory; a fresh Debian install creates it only when the service starts. */
    private static void privilegeSeparationDirectory() throws IOException {
        Path run = Path.of("/run/sshd");
        if (!Files.isDirectory(run) && Files.isWritable(run.getParent())) { // root: only root may write /run
            Files.createDirectories(run);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Ready when it greets with its SSH banner; false when the process died (a port taken meanwhile). */
    private boolean awaitBanner() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                return false;
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
                socket.setSoTimeout(5000);
                InputStream in = socket.getInputStream();
                byte[] banner = in.readNBytes(8);
                if (new String(banner, StandardCharsets.US_ASCII).startsWith("SSH-2.0")) {
                    return true;
                }
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        return false;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** ssh as {@code user} with {@code key} and its certificate, running {@code command}; host keys are not checked (a throwaway sshd). */
    Tools.Result ssh(Path dir, String user, Path key, Path certificate, String command) throws Exception {
        return Tools.run(dir, "ssh", "-F", "/dev/null", "-i", key.toString(), "-o", "CertificateFile=" + certificate,
                "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "GlobalKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR",
                "-o", "ConnectTimeout=10", "-p", Integer.toString(port), user + "@127.0.0.1", command);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
