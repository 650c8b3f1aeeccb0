package dev.keyway.broker.store;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code keyway.store.*} (CONTRACT §2). */
@ConfigurationProperties("keyway.store")
public class StoreConfiguration {

    private String type = "memory";
    private String redisUri;
    private String redisClusterUri;
    private String redisCaFile;
    private String onFailure = "deny";
    private Duration commandTimeout = Duration.ofMillis(500);

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getRedisUri() {
        return redisUri;
    }

    public void setRedisUri(String redisUri) {
        this.redisUri = redisUri;
    }

    /** Redis Cluster seed nodes: {@code redis://host1:6379,host2:6379}. */
    public String getRedisClusterUri() {
        return redisClusterUri;
    }

    public void setRedisClusterUri(String redisClusterUri) {
        this.redisClusterUri = redisClusterUri;
    }

    /** PEM CA certificates that {@code rediss://} connections trust (a private CA); default: the JVM's trust store. */
    public String getRedisCaFile() {
        return redisCaFile;
    }

    public void setRedisCaFile(String redisCaFile) {
        this.redisCaFile = redisCaFile;
    }

    /** {@code deny} (fail closed, 503) or {@code allow-without-replay-check}. */
    public String getOnFailure() {
        return onFailure;
    }

    public void setOnFailure(String onFailure) {
        this.onFailure = onFailure;
    }

    public Duration getCommandTimeout() {
        return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
        this.commandTimeout = commandTimeout;
    }
}
