package dev.keyway.bench.load;

import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.bench.fixtures.TokenPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each request a token no earlier request of this broker's lifetime used (replay is checked
 * per token), asking for a binding the token's caller matches, spread over the whole policy.
 */
final class TokenCursor implements LoadStep.Requests {

    private TokenPool pool; // only grown between steps, on the thread that runs them
    private final int bindings;
    private final String hostPort;
    private final boolean warmUp;
    private final AtomicInteger next = new AtomicInteger();

    TokenCursor(TokenPool pool, int bindings, String hostPort) {
        this(pool, bindings, hostPort, false);
    }

    private TokenCursor(TokenPool pool, int bindings, String hostPort, boolean warmUp) {
        this.pool = pool;
        this.bindings = bindings;
        this.hostPort = hostPort;
        this.warmUp = warmUp;
    }

    /** Requests for the warm-up bindings: the same tokens stay unused for the measured ones. */
    static TokenCursor warmUp(TokenPool pool, String hostPort) {
        return new TokenCursor(pool, 0, hostPort, true);
    }

    @Override
    public byte[] next() {
        int t = next.getAndIncrement();
        if (t >= pool.size()) {
            return null;
        }
        return RawHttp.post(hostPort, "/v1/exchange",
                "{\"binding\":\"" + (warmUp ? PolicyGenerator.warmUpBindingFor(t) : PolicyGenerator.bindingFor(t, bindings))
                        + "\",\"token\":\"" + pool.token(t) + "\"}");
    }

    /** Grows the pool under this cursor to {@code size} tokens; the next request takes the first unused one as before. */
    void growTo(int size) {
        pool = pool.grownTo(size);
    }

    int used() {
        return Math.min(next.get(), pool.size());
    }

    int remaining() {
        return pool.size() - used();
    }
}
