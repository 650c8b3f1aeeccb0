package dev.keyway.broker.cli;

import dev.keyway.broker.Keyway;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.Micronaut;
import io.micronaut.runtime.server.EmbeddedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Starts the broker (the default subcommand). Without any configuration it starts in demo mode. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the broker. With no config file (MICRONAUT_CONFIG_FILES) it starts in demo mode.")
public final class ServeCommand implements Callable<Integer> {

    /** Exit code that tells main the server is running and the JVM must stay up. */
    public static final int SERVING = Integer.MIN_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);
    private static final Duration READY_WITHIN = Duration.ofSeconds(60);

    @Option(names = "--exit-when-ready", description = "Start, wait for /health/readiness to answer 200, then stop: exit 0 when it did, "
            + "1 when not within 60 s. Image builds run this to record the class-data-sharing archive; it is also a smoke test.")
    boolean exitWhenReady;

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Map<String, Object> properties = Map.of();
        if (DemoMode.applies(env, System.getProperties())) {
            properties = DemoMode.prepare(env);
            LOG.warn(DemoMode.banner(properties));
        }
        ApplicationContext context;
        try {
            context = Micronaut.build(new String[0])
                    .mainClass(Keyway.class)
                    .banner(false)
                    .properties(properties)
                    .start();
        } catch (RuntimeException e) {
            // Bean creation wraps the real reason (a missing key set, a bad sink) several levels deep.
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            LOG.error("keyway did not start: {}", root.getMessage());
            return 1;
        }
        if (exitWhenReady) {
            try (context) {
                return awaitReady(context.getBean(EmbeddedServer.class).getURI().resolve("/health/readiness")) ? 0 : 1;
            }
        }
        return SERVING;
    }

    /** Asks over HTTP, as a kubelet would, so the request path is exercised (and archived) too. */
    private static boolean awaitReady(URI readiness) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        Instant deadline = Instant.now().plus(READY_WITHIN);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    LOG.info("ready; stopping as --exit-when-ready asks");
                    return true;
                }
            } catch (java.io.IOException e) {
                // not listening yet: ask again
            }
            Thread.sleep(200);
        }
        LOG.error("not ready within {} s: see the readiness details at {}", READY_WITHIN.toSeconds(), readiness);
        return false;
    }
}
