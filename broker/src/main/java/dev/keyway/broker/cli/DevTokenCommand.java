package dev.keyway.broker.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyway.broker.keys.DevIssuer;
import dev.keyway.spi.config.Durations;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Prints a token from the built-in dev issuer (demo and tests only). Standard claims get sensible
 * defaults; every claim given in {@code --claims} wins, so tests can mint expired or odd tokens.
 */
@Command(name = "dev-token", mixinStandardHelpOptions = true,
        description = "Print a token signed by the built-in dev issuer (demo and tests only).")
public final class DevTokenCommand implements Callable<Integer> {

    @Option(names = "--claims", paramLabel = "JSON", defaultValue = "{}",
            description = "Claims as a JSON object, e.g. '{\"repository\":\"acme/api\",\"ref\":\"refs/heads/main\"}'.")
    String claimsJson;

    @Option(names = "--issuer-key", paramLabel = "DIR", defaultValue = ".keyway",
            description = "Directory holding the dev issuer key (created on first use). Default: ${DEFAULT-VALUE}")
    Path keyDir;

    @Option(names = "--audience", paramLabel = "AUD", defaultValue = "http://127.0.0.1:8080",
            description = "aud claim; the demo broker expects its public URL. Default: ${DEFAULT-VALUE}")
    String audience;

    @Option(names = "--ttl", paramLabel = "DURATION", defaultValue = "5m",
            description = "Lifetime (exp - iat). Default: ${DEFAULT-VALUE}")
    String ttl;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Map<String, Object> given;
        try {
            given = new ObjectMapper().readValue(claimsJson, new TypeReference<LinkedHashMap<String, Object>>() { });
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "--claims must be a JSON object, e.g. '{\"repository\":\"acme/api\"}'");
        }
        Duration lifetime;
        try {
            lifetime = Durations.parse(ttl);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--ttl: " + e.getMessage());
        }
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", DevIssuer.ISSUER);
        claims.put("aud", audience);
        claims.put("iat", now.getEpochSecond());
        claims.put("nbf", now.getEpochSecond());
        claims.put("exp", now.plus(lifetime).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("sub", defaultSubject(given));
        claims.putAll(given);
        String token = DevIssuer.loadOrCreate(keyDir).mint(claims);
        spec.commandLine().getOut().println(token);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** GitHub's default subject shape, so demo bindings on {@code sub} read naturally. */
    private static String defaultSubject(Map<String, Object> claims) {
        Object repository = claims.get("repository");
        Object ref = claims.get("ref");
        if (repository != null && ref != null) {
            return "repo:" + repository + ":ref:" + ref;
        }
        return repository != null ? "repo:" + repository : "dev-user";
    }
}
