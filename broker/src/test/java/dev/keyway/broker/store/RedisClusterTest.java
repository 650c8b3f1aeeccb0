package dev.keyway.broker.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The store contract on a real three-node Redis Cluster (system redis-server and redis-cli, which
 * .ci/run installs): keys spread over slots on different nodes, scripts loaded on every node.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RedisClusterTest extends StoreContract {

    private Path dir;

    private final List<Process> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private RedisStore store;

    @BeforeAll
    void startCluster() throws Exception {
        dir = Files.createTempDirectory("keyway-redis-cluster");
        for (int i = 0; i < 3; i++) {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path nodeDir = Files.createDirectories(dir.resolve("node" + i));
            nodes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--cluster-enabled", "yes", "--cluster-config-file", nodeDir.resolve("nodes.conf").toString(),
                    "--save", "", "--appendonly", "no", "--dir", nodeDir.toString())
                    .redirectErrorStream(true).redirectOutput(nodeDir.resolve("log").toFile()).start());
            ports.add(port);
        }
        Thread.sleep(500);
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        ports.forEach(p -> create.add("127.0.0.1:" + p));
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process setup = new ProcessBuilder(create).redirectErrorStream(true).start();
        String output = new String(setup.getInputStream().readAllBytes());
        assertTrue(setup.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, setup.exitValue(), output);
        waitForClusterOk();
        store = RedisStore.createCluster("redis://127.0.0.1:" + ports.get(0) + ",127.0.0.1:" + ports.get(1), Duration.ofSeconds(2));
    }

    private void waitForClusterOk() throws IOException, InterruptedException {
        for (int i = 0; i < 100; i++) {
            Process info = new ProcessBuilder("redis-cli", "-p", Integer.toString(ports.get(0)), "cluster", "info").start();
            String text = new String(info.getInputStream().readAllBytes());
            info.waitFor();
            if (text.contains("cluster_state:ok")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the test cluster did not become ready");
    }

    @AfterAll
    void stopCluster() {
        if (store != null) {
            store.close();
        }
        nodes.forEach(Process::destroy);
    }

    @Override
    ReplayStore replay() {
        return store;
    }

    @Override
    RateLimiter limiter() {
        return store;
    }

    @Test
    void inAClusterAnExchangesChecksGoOneByOne() {
        // An exchange's bucket and replay keys hash to different slots: one script cannot hold them.
        assertFalse(store.admitsInOneTrip());
        assertThrows(IllegalStateException.class, () -> store.admit(List.of(), "replay:x", java.time.Instant.now().plusSeconds(60)));
    }
}
