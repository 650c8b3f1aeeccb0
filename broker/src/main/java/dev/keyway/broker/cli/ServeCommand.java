package dev.keyway.broker.cli;

import dev.keyway.broker.Keyway;
import io.micronaut.runtime.Micronaut;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/** Starts the broker (the default subcommand). Without any configuration it starts in demo mode. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Start the broker. With no config file (MICRONAUT_CONFIG_FILES) it starts in demo mode.")
public final class ServeCommand implements Callable<Integer> {

    /** Exit code that tells main the server is running and the JVM must stay up. */
    public static final int SERVING = Integer.MIN_VALUE;

    private static final Logger LOG = LoggerFactory.getLogger(ServeCommand.class);

    @Override
    public Integer call() throws Exception {
        Map<String, String> env = System.getenv();
        Map<String, Object> properties = Map.of();
        if (DemoMode.applies(env, System.getProperties())) {
            properties = DemoMode.prepare(env);
            LOG.warn(DemoMode.banner(properties));
        }
        try {
            Micronaut.build(new String[0])
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
        return SERVING;
    }
}
