package dev.keyway.broker.exchange;

import dev.keyway.broker.issuer.VerifiedToken;
import dev.keyway.broker.policy.Binding;
import dev.keyway.broker.policy.ReplayMode;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import dev.keyway.broker.store.RateLimit;
import dev.keyway.broker.store.RateLimiter;
import dev.keyway.broker.store.ReplayStore;
import dev.keyway.broker.store.StoreUnavailableException;
import dev.keyway.spi.Identity;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * The store-backed checks of an exchange: rate limits per caller and per binding, then replay.
 * When the store cannot answer, {@code on-failure: deny} refuses (503) and
 * {@code allow-without-replay-check} lets the exchange through, marked in the audit event.
 */
final class Admission {

    /** What the replay step did, for the audit event. */
    enum ReplayCheck { CHECKED, OFF, SKIPPED }

    private final ReplayStore replay;
    private final RateLimiter limiter;
    private final Optional<RateLimit> perIdentity;
    private final Optional<RateLimit> perBinding;
    private final boolean failOpen;
    private final Duration clockSkew;

    Admission(ReplayStore replay, RateLimiter limiter, Optional<RateLimit> perIdentity, Optional<RateLimit> perBinding,
              boolean failOpen, Duration clockSkew) {
        this.replay = replay;
        this.limiter = limiter;
        this.perIdentity = perIdentity;
        this.perBinding = perBinding;
        this.failOpen = failOpen;
        this.clockSkew = clockSkew;
    }

    void checkRate(Binding binding, Identity identity) throws KeywayException {
        if (perBinding.isPresent()) {
            acquire("rate:binding:" + binding.name(), perBinding.get(), "binding '" + binding.name() + "'");
        }
        Optional<String> caller = binding.issuer().profile().callerKey(identity);
        if (perIdentity.isPresent() && caller.isPresent()) {
            acquire("rate:caller:" + binding.issuer().name() + ":" + caller.get(), perIdentity.get(), "caller " + caller.get());
        }
    }

    private void acquire(String key, RateLimit limit, String who) throws KeywayException {
        Optional<Duration> wait;
        try {
            wait = limiter.acquire(key, limit);
        } catch (StoreUnavailableException e) {
            if (failOpen) {
                return;
            }
            throw KeywayException.unavailable("the shared store is unavailable: " + e.getMessage(), Duration.ofSeconds(5), e);
        }
        if (wait.isPresent()) {
            long seconds = Math.max(1, (wait.get().toMillis() + 999) / 1000);
            throw new KeywayException(ErrorCode.RATE_LIMITED, who + " exceeded its rate of " + limit + "; retry in " + seconds + "s",
                    Map.of(), Duration.ofSeconds(seconds), null);
        }
    }

    ReplayCheck checkReplay(VerifiedToken token, Binding binding) throws KeywayException {
        ReplayMode mode = token.issuer().replay();
        if (mode == ReplayMode.OFF) {
            return ReplayCheck.OFF;
        }
        String key = ReplayKeys.key(token, mode == ReplayMode.PER_BINDING ? binding.name() : null);
        boolean first;
        try {
            first = replay.firstUse(key, token.acceptableUntil().plus(clockSkew));
        } catch (StoreUnavailableException e) {
            if (failOpen) {
                return ReplayCheck.SKIPPED;
            }
            throw KeywayException.unavailable("replay store unavailable: " + e.getMessage(), Duration.ofSeconds(5), e);
        }
        if (!first) {
            throw new KeywayException(ErrorCode.TOKEN_REPLAYED, "this token was already exchanged"
                    + (mode == ReplayMode.PER_BINDING ? " for binding '" + binding.name() + "'" : ""));
        }
        return ReplayCheck.CHECKED;
    }
}
