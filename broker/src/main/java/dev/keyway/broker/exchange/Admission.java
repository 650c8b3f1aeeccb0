package dev.keyway.broker.exchange;

import dev.keyway.broker.issuer.VerifiedToken;
import dev.keyway.broker.policy.Binding;
import dev.keyway.broker.policy.ReplayMode;
import dev.keyway.broker.problem.ErrorCode;
import dev.keyway.broker.problem.KeywayException;
import dev.keyway.broker.store.RateBucket;
import dev.keyway.broker.store.RateLimit;
import dev.keyway.broker.store.RateLimiter;
import dev.keyway.broker.store.RedisStore;
import dev.keyway.broker.store.ReplayStore;
import dev.keyway.broker.store.StoreUnavailableException;
import dev.keyway.spi.Identity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The store-backed checks of an exchange: rate limits per binding and per caller, then replay.
 * When the store cannot answer, {@code on-failure: deny} refuses (503) and
 * {@code allow-without-replay-check} lets the exchange through, marked in the audit event. With
 * standalone Redis all checks go in one round trip ({@link RedisStore#admit}); otherwise one call each,
 * and a check whose store fails is skipped alone.
 */
final class Admission {

    /** What the replay step did, for the audit event. */
    enum ReplayCheck { CHECKED, OFF, SKIPPED }

    private final ReplayStore replay;
    private final RateLimiter limiter;
    private final RedisStore oneTrip;
    private final Optional<RateLimit> perIdentity;
    private final Optional<RateLimit> perBinding;
    private final boolean failOpen;
    private final Duration clockSkew;

    /** {@code redis}: the Redis store when there is one (null for memory), to check in one round trip where it can. */
    Admission(ReplayStore replay, RateLimiter limiter, RedisStore redis, Optional<RateLimit> perIdentity,
              Optional<RateLimit> perBinding, boolean failOpen, Duration clockSkew) {
        this.replay = replay;
        this.limiter = limiter;
        this.oneTrip = redis != null && redis.admitsInOneTrip() ? redis : null;
        this.perIdentity = perIdentity;
        this.perBinding = perBinding;
        this.failOpen = failOpen;
        this.clockSkew = clockSkew;
    }

    /**
     * Takes the rate permits (every attempt does, denied or not: floods are limited either way)
     * and, when {@code issuing}, spends the token for this binding. A refusal for the rate comes
     * first; the replay key is spent only by an exchange that passed everything else, so a caller
     * told to slow down or to fix its request can still use its token.
     */
    ReplayCheck admit(VerifiedToken token, Binding binding, Identity identity, boolean issuing) throws KeywayException {
        List<RateBucket> buckets = buckets(binding, identity);
        ReplayMode mode = token.issuer().replay();
        if (oneTrip == null) {
            for (RateBucket bucket : buckets) {
                acquire(bucket);
            }
            return issuing ? checkReplay(token, binding, mode) : null;
        }
        String replayKey = issuing && mode != ReplayMode.OFF ? replayKey(token, binding, mode) : null;
        RedisStore.Admitted admitted;
        try {
            admitted = oneTrip.admit(buckets, replayKey, token.acceptableUntil().plus(clockSkew));
        } catch (StoreUnavailableException e) {
            if (failOpen) {
                return !issuing ? null : mode == ReplayMode.OFF ? ReplayCheck.OFF : ReplayCheck.SKIPPED;
            }
            throw storeUnavailable(e);
        }
        if (admitted.refusedBy() != null) {
            throw rateLimited(admitted.refusedBy(), admitted.waitFor());
        }
        if (!issuing) {
            return null;
        }
        if (replayKey == null) {
            return ReplayCheck.OFF;
        }
        if (!admitted.firstUse()) {
            throw replayed(binding, mode);
        }
        return ReplayCheck.CHECKED;
    }

    private List<RateBucket> buckets(Binding binding, Identity identity) {
        List<RateBucket> buckets = new ArrayList<>(2);
        perBinding.ifPresent(limit -> buckets.add(new RateBucket("rate:binding:" + binding.name(), limit,
                "binding '" + binding.name() + "'")));
        if (perIdentity.isPresent()) {
            binding.issuer().profile().callerKey(identity).ifPresent(caller -> buckets.add(new RateBucket(
                    "rate:caller:" + binding.issuer().name() + ":" + caller, perIdentity.get(), "caller " + caller)));
        }
        return buckets;
    }

    private void acquire(RateBucket bucket) throws KeywayException {
        Optional<Duration> wait;
        try {
            wait = limiter.acquire(bucket.key(), bucket.limit());
        } catch (StoreUnavailableException e) {
            if (failOpen) {
                return;
            }
            throw storeUnavailable(e);
        }
        if (wait.isPresent()) {
            throw rateLimited(bucket, wait.get());
        }
    }

    private ReplayCheck checkReplay(VerifiedToken token, Binding binding, ReplayMode mode) throws KeywayException {
        if (mode == ReplayMode.OFF) {
            return ReplayCheck.OFF;
        }
        boolean first;
        try {
            first = replay.firstUse(replayKey(token, binding, mode), token.acceptableUntil().plus(clockSkew));
        } catch (StoreUnavailableException e) {
            if (failOpen) {
                return ReplayCheck.SKIPPED;
            }
            throw KeywayException.unavailable("replay store unavailable: " + e.getMessage(), Duration.ofSeconds(5), e);
        }
        if (!first) {
            throw replayed(binding, mode);
        }
        return ReplayCheck.CHECKED;
    }

    private static String replayKey(VerifiedToken token, Binding binding, ReplayMode mode) {
        return ReplayKeys.key(token, mode == ReplayMode.PER_BINDING ? binding.name() : null);
    }

    private static KeywayException storeUnavailable(StoreUnavailableException e) {
        return KeywayException.unavailable("the shared store is unavailable: " + e.getMessage(), Duration.ofSeconds(5), e);
    }

    private static KeywayException rateLimited(RateBucket bucket, Duration wait) {
        long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
        return new KeywayException(ErrorCode.RATE_LIMITED, bucket.who() + " exceeded its rate of " + bucket.limit() + "; retry in "
                + seconds + "s", Map.of(), Duration.ofSeconds(seconds), null);
    }

    private static KeywayException replayed(Binding binding, ReplayMode mode) {
        return new KeywayException(ErrorCode.TOKEN_REPLAYED, "this token was already exchanged"
                + (mode == ReplayMode.PER_BINDING ? " for binding '" + binding.name() + "'" : ""));
    }
}
