package dev.keyway.broker.store;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.util.Optional;

/** {@code keyway.limits.rate.*}: unset means unlimited (CONTRACT §2 shows 60/m and 600/m as a typical choice). */
@ConfigurationProperties("keyway.limits.rate")
public class RateConfiguration {

    private String perIdentity;
    private String perBinding;

    public String getPerIdentity() {
        return perIdentity;
    }

    public void setPerIdentity(String perIdentity) {
        this.perIdentity = perIdentity;
    }

    public String getPerBinding() {
        return perBinding;
    }

    public void setPerBinding(String perBinding) {
        this.perBinding = perBinding;
    }

    public Optional<RateLimit> perIdentity() {
        return RateLimit.parse(perIdentity);
    }

    public Optional<RateLimit> perBinding() {
        return RateLimit.parse(perBinding);
    }
}
