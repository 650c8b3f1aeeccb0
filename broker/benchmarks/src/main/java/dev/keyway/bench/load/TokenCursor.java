package dev.keyway.bench.load;

import dev.keyway.bench.fixtures.PolicyGenerator;
import dev.keyway.bench.fixtures.TokenPool;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands each request a token no earlier request of this broker's lifetime used (replay is checked
 * per token), asking for a binding the token's caller matches, spread over the whole policy.
 */
final class TokenCursor implements LoadStep.Requests {

    private final TokenPool pool;
    private final int bindings;
    private final String hostPort;
    private final AtomicInteger next = new AtomicInteger();

    TokenCursor(TokenPool pool, int bindings, String hostPort) {
        this.pool = pool;
        this.bindings = bindings;
        this.hostPort = hostPort;
    }

    @Override
    public byte[] next() {
        int t = next.getAndIncrement();
        if (t >= pool.size()) {
            return null;
        }
        return RawHttp.post(hostPort, "/v1/exchange",
                "{\"binding\":\"" + PolicyGenerator.bindingFor(t, bindings) + "\",\"token\":\"" + pool.token(t) + "\"}");
    }

    int used() {
        return Math.min(next.get(), pool.size());
    }

    int remaining() {
        return pool.size() - used();
    }
}
