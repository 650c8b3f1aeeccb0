package dev.keyway.broker.policy;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.List;

/**
 * {@code keyway.policy.paths}: the files and directories policy is read from. (The poll interval,
 * {@code keyway.policy.reload-interval}, is read by {@link PolicyHolder}'s schedule directly.)
 */
@ConfigurationProperties("keyway.policy")
public class PolicyConfiguration {

    private List<String> paths = List.of();

    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = List.copyOf(paths);
    }
}
