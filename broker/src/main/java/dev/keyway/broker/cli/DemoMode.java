package dev.keyway.broker.cli;

import dev.keyway.broker.keys.DevIssuer;
import dev.keyway.broker.keys.KeyFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Demo mode: the broker with no configuration at all. Listens on loopback only, keeps state in
 * memory, generates keys into {@code ./.keyway/} and trusts the built-in dev issuer with the
 * bindings in {@code examples/demo/} (or the copy bundled in the jar).
 */
final class DemoMode {

    static final Path KEYS_DIR = Path.of(".keyway");
    static final Path EXAMPLES = Path.of("examples", "demo");
    static final String BUNDLED_POLICY = "keyway/demo/keyway-demo.yaml";

    private DemoMode() {
    }

    /** No config file and no {@code KEYWAY_*} settings: the operator configured nothing, so demo. */
    static boolean applies(Map<String, String> env, Properties systemProperties) {
        boolean configFile = env.containsKey("MICRONAUT_CONFIG_FILES") || systemProperties.containsKey("micronaut.config.files");
        boolean keywayEnv = env.keySet().stream().anyMatch(k -> k.startsWith("KEYWAY_"));
        boolean keywayProperty = systemProperties.stringPropertyNames().stream().anyMatch(k -> k.startsWith("keyway."));
        return !configFile && !keywayEnv && !keywayProperty;
    }

    /** Prepares keys and policy on disk and returns the properties that make the broker a demo. */
    static Map<String, Object> prepare(Map<String, String> env) throws IOException {
        DevIssuer.loadOrCreate(KEYS_DIR);
        String port = env.getOrDefault("MICRONAUT_SERVER_PORT", "8080");
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("keyway.demo", true);
        properties.put("micronaut.server.host", env.getOrDefault("MICRONAUT_SERVER_HOST", "127.0.0.1"));
        properties.put("keyway.public-url", "http://127.0.0.1:" + port);
        properties.put("keyway.store.type", "memory");
        properties.put("keyway.keys.dir", KEYS_DIR.toString());
        properties.put("keyway.policy.paths", List.of(policyPath().toString()));
        return properties;
    }

    /** examples/demo when run from a checkout; otherwise the bundled copy, unpacked beside the keys. */
    private static Path policyPath() throws IOException {
        if (Files.isDirectory(EXAMPLES)) {
            return EXAMPLES;
        }
        Path dir = KEYS_DIR.resolve("demo-policy");
        KeyFiles.ensureOwnerOnlyDirectory(dir);
        try (InputStream in = DemoMode.class.getClassLoader().getResourceAsStream(BUNDLED_POLICY)) {
            if (in == null) {
                throw new IOException("the jar lacks its bundled demo policy (" + BUNDLED_POLICY + "); rebuild it with ./mvnw package");
            }
            KeyFiles.writePublic(dir.resolve("keyway-demo.yaml"), new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return dir;
    }

    static String banner(Map<String, Object> properties) {
        return String.join(System.lineSeparator(),
                "",
                "  *****************************************************************************",
                "  *  KEYWAY DEMO MODE: no configuration given.                                *",
                "  *  Loopback only, in-memory store, keys generated in ./.keyway              *",
                "  *  Trusts the built-in dev issuer: whoever reads ./.keyway can mint tokens. *",
                "  *  Never expose this instance. For real use: MICRONAUT_CONFIG_FILES=...yml  *",
                "  *****************************************************************************",
                "  policy: " + properties.get("keyway.policy.paths") + "   public URL: " + properties.get("keyway.public-url"),
                "  mint a dev token: java -jar broker/target/keyway-broker.jar dev-token --claims"
                        + " '{\"repository\":\"acme/demo\",\"repository_id\":\"1001\",\"repository_owner_id\":\"501\",\"ref\":\"refs/heads/main\"}'",
                "");
    }
}
