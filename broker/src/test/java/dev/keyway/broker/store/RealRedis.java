package dev.keyway.broker.store;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import redis.embedded.RedisServer;

/**
 * A real redis-server on a free loopback port: the system binary when installed, else the one
 * bundled by embedded-redis. Persistence off, so a restart starts empty like a failed-over node.
 */
public final class RealRedis implements AutoCloseable {

    private static final Path SYSTEM_BINARY = Path.of("/usr/bin/redis-server");

    public final int port;
    private RedisServer server;

    public RealRedis() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        start();
    }

    public void start() throws IOException {
        var builder = RedisServer.newRedisServer().port(port).bind("127.0.0.1").setting("save \"\"").setting("appendonly no");
        if (Files.isExecutable(SYSTEM_BINARY)) {
            // Redis 7 disables DEBUG by default; the slow-Redis test needs DEBUG SLEEP.
            builder.executableProvider(() -> SYSTEM_BINARY.toFile()).setting("enable-debug-command yes");
        }
        server = builder.build();
        server.start();
    }

    public void stop() throws IOException {
        server.stop();
    }

    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    static String binary() {
        return Files.isExecutable(SYSTEM_BINARY) ? SYSTEM_BINARY.toString() : "embedded-redis bundled binary";
    }

    @Override
    public void close() throws IOException {
        if (server.isActive()) {
            server.stop();
        }
    }
}
