package dev.keyway.broker.policy;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;
import java.util.List;

/** {@code keyway.policy.*}: where policy lives and how often to look for changes. */
@ConfigurationProperties("keyway.policy")
public class PolicyConfiguration {

    private List<String> paths = List.of();
    private Duration reloadInterval = Duration.ofSeconds(10);

    public List<String> getPaths() {
        return paths;
    }

    public void setPaths(List<String> paths) {
        this.paths = List.copyOf(paths);
    }

    public Duration getReloadInterval() {
        return reloadInterval;
    }

    public void setReloadInterval(Duration reloadInterval) {
        this.reloadInterval = reloadInterval;
    }
}
