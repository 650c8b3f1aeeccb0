package dev.keyway.broker.policy;

import dev.keyway.spi.config.Problem;
import dev.keyway.spi.config.Problems;
import io.micronaut.context.annotation.Context;
import io.micronaut.scheduling.annotation.Scheduled;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The policy in force. Compiled at startup and whenever a policy file changes; a compile that fails
 * leaves the previous policy in force and shows its errors on readiness. Readers get an immutable
 * {@link PolicySet} with one volatile read.
 */
@Context
public class PolicyHolder {

    private static final Logger LOG = LoggerFactory.getLogger(PolicyHolder.class);

    /** What readiness reports: the policy in force (if any), when it loaded, and the last failure. */
    public record Status(Optional<PolicySet> policy, Instant loadedAt, List<Problem> errors, List<Problem> warnings) {
    }

    private final List<Path> paths;
    private final PolicyCompiler compiler;
    private final AtomicReference<Status> status = new AtomicReference<>();
    private volatile List<String> fingerprint = List.of();

    public PolicyHolder(PolicyConfiguration configuration) {
        this.paths = configuration.getPaths().stream().map(Path::of).toList();
        this.compiler = new PolicyCompiler(GrantTypes.discover());
        status.set(new Status(Optional.empty(), Instant.now(), List.of(), List.of()));
        reload();
    }

    public Optional<PolicySet> current() {
        return status.get().policy();
    }

    public Status status() {
        return status.get();
    }

    public List<Path> paths() {
        return paths;
    }

    /** Polls file names, sizes and modification times: cheap, and works on ConfigMap mounts where inotify does not. */
    @Scheduled(fixedDelay = "${keyway.policy.reload-interval:10s}", initialDelay = "${keyway.policy.reload-interval:10s}")
    public void reloadIfChanged() {
        if (!fingerprint().equals(fingerprint)) {
            reload();
        }
    }

    final synchronized void reload() {
        if (paths.isEmpty()) {
            Problems problems = new Problems();
            problems.error(dev.keyway.spi.config.Location.unknown("keyway.policy.paths"),
                    "no policy paths configured: set keyway.policy.paths (or KEYWAY_POLICY_PATHS)");
            fail(problems.all());
            return;
        }
        fingerprint = fingerprint();
        Compilation compilation = compiler.compile(paths);
        compilation.warnings().forEach(w -> LOG.warn("policy: {}", w));
        if (compilation.policy().isEmpty()) {
            fail(compilation.errors());
            return;
        }
        PolicySet policy = compilation.policy().get();
        status.set(new Status(Optional.of(policy), Instant.now(), List.of(), compilation.warnings()));
        LOG.info("policy loaded from {}: {} issuers, {} bindings", paths, policy.issuers().size(), policy.bindings().size());
    }

    private void fail(List<Problem> errors) {
        Status previous = status.get();
        status.set(new Status(previous.policy(), previous.loadedAt(), errors, previous.warnings()));
        errors.forEach(e -> LOG.error("policy: {}", e));
        LOG.error("policy not loaded ({} errors); {}", errors.size(),
                previous.policy().isPresent() ? "the previous policy stays in force" : "no policy is in force: every exchange is denied");
    }

    private List<String> fingerprint() {
        List<String> out = new ArrayList<>();
        for (Path file : PolicySources.files(paths, new Problems())) {
            try {
                out.add(file + ":" + Files.size(file) + ":" + Files.getLastModifiedTime(file).toMillis());
            } catch (IOException e) {
                out.add(file + ":unreadable");
            }
        }
        return out;
    }
}
