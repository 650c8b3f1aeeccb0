package dev.keyway.broker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The {@code keyway.*} settings of CONTRACT §2 (policy paths live in PolicyConfiguration). */
@ConfigurationProperties("keyway")
public class KeywayConfiguration {

    private String publicUrl = "http://127.0.0.1:8080";
    private String audience;
    private boolean demo;
    private String explain = "redacted";

    public String getPublicUrl() {
        return publicUrl;
    }

    public void setPublicUrl(String publicUrl) {
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** The aud incoming tokens must carry; defaults to the public URL. */
    public String getAudience() {
        return Optional.ofNullable(audience).orElse(publicUrl);
    }

    public void setAudience(String audience) {
        this.audience = audience;
    }

    public boolean isDemo() {
        return demo;
    }

    public void setDemo(boolean demo) {
        this.demo = demo;
    }

    /** {@code redacted} (default): explanations show the caller's values only; {@code full}: also the binding's. */
    public String getExplain() {
        return explain;
    }

    public void setExplain(String explain) {
        this.explain = explain;
    }

    @ConfigurationProperties("limits")
    public static class Limits {
        private int maxTokenBytes = 16384;
        private int maxBodyBytes = 65536;
        private Duration clockSkew = Duration.ofSeconds(60);
        /** Exchanges queued or running at once before the broker sheds with 503; 0 means 64 per core. */
        private int maxInFlight;
        /** An exchange that waited this long or longer for its turn is refused with 503 without running. */
        private Duration maxQueueWait = Duration.ofSeconds(1);
        /** Threads that run exchanges computed here (jwt, x509, ssh); 0 means two per core, four with the redis store. */
        private int localConcurrency;

        public int getLocalConcurrency() {
            return localConcurrency;
        }

        public void setLocalConcurrency(int localConcurrency) {
            this.localConcurrency = localConcurrency;
        }

        public Duration getMaxQueueWait() {
            return maxQueueWait;
        }

        public void setMaxQueueWait(Duration maxQueueWait) {
            this.maxQueueWait = maxQueueWait;
        }

        public int getMaxInFlight() {
            return maxInFlight;
        }

        public void setMaxInFlight(int maxInFlight) {
            this.maxInFlight = maxInFlight;
        }

        public int getMaxTokenBytes() {
            return maxTokenBytes;
        }

        public void setMaxTokenBytes(int maxTokenBytes) {
            this.maxTokenBytes = maxTokenBytes;
        }

        public int getMaxBodyBytes() {
            return maxBodyBytes;
        }

        public void setMaxBodyBytes(int maxBodyBytes) {
            this.maxBodyBytes = maxBodyBytes;
        }

        public Duration getClockSkew() {
            return clockSkew;
        }

        public void setClockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
        }
    }

    @ConfigurationProperties("metrics")
    public static class Metrics {
        /** Distinct bindings that get a {@code binding} label of their own on keyway_decisions_total; the rest share one. */
        private int bindingLabelLimit = 1000;

        public int getBindingLabelLimit() {
            return bindingLabelLimit;
        }

        public void setBindingLabelLimit(int bindingLabelLimit) {
            this.bindingLabelLimit = bindingLabelLimit;
        }
    }

    @ConfigurationProperties("keys")
    public static class Keys {
        private String dir = "/var/lib/keyway/keys";

        public String getDir() {
            return dir;
        }

        public void setDir(String dir) {
            this.dir = dir;
        }
    }

    /** {@code keyway.issuers.*}: how long cached issuer keys stay usable while the issuer is unreachable. */
    @ConfigurationProperties("issuers")
    public static class Issuers {
        private Duration maxKeyStaleness = Duration.ofHours(6);

        public Duration getMaxKeyStaleness() {
            return maxKeyStaleness;
        }

        public void setMaxKeyStaleness(Duration maxKeyStaleness) {
            this.maxKeyStaleness = maxKeyStaleness;
        }
    }

    @ConfigurationProperties("audit")
    public static class Audit {
        private List<String> sinks = List.of("stdout");
        private long streamMaxLength = 100_000;

        /** Entries the redis-stream sink keeps (trimmed approximately); ~1 KiB each. */
        public long getStreamMaxLength() {
            return streamMaxLength;
        }

        public void setStreamMaxLength(long streamMaxLength) {
            this.streamMaxLength = streamMaxLength;
        }

        public List<String> getSinks() {
            return sinks;
        }

        public void setSinks(List<String> sinks) {
            this.sinks = List.copyOf(sinks);
        }
    }
}
