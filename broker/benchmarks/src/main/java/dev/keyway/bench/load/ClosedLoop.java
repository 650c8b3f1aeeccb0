package dev.keyway.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * The closed-loop step on one thread: every connection sends its next request as soon as its last
 * response is in, all of them read from one selector. It finds saturation, so the generator must
 * take as little of the shared cores as it can: with a blocking thread per connection each
 * response woke a thread, and 48 connections (what saturating the broker takes) would be 48 threads.
 * Here one {@code epoll_wait} collects every response that arrived meanwhile. Against 16 threads
 * the generator's CPU per exchange moved less than this machine's noise (docs/performance.md).
 */
final class ClosedLoop {

    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final InetSocketAddress broker;
    private final LoadStep.Requests requests;
    private final double seconds;
    private final int connections;
    private final long timeoutNanos;
    private final Histogram latency = new Histogram(LoadStep.MAX_MICROS, 3);
    private final AtomicLongArray statuses = new AtomicLongArray(600);
    private long ioErrors;
    private int inFlight;

    /** {@code timeoutNanos}: how long after the step's end a request still unanswered is waited for before it counts as an error. */
    ClosedLoop(InetSocketAddress broker, LoadStep.Requests requests, double seconds, int connections, long timeoutNanos) {
        this.broker = broker;
        this.requests = requests;
        this.seconds = seconds;
        this.connections = connections;
        this.timeoutNanos = timeoutNanos;
    }

    LoadStep.Result run(String label) throws IOException {
        try (Selector selector = Selector.open()) {
            List<LoadConnection> all = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                all.add(LoadConnection.open(broker, selector));
            }
            long start = System.nanoTime();
            long end = start + (long) (seconds * 1e9);
            for (LoadConnection connection : all) {
                sendNext(connection);
            }
            long giveUp = end + timeoutNanos;
            while (inFlight > 0 && System.nanoTime() < giveUp) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    LoadConnection connection = (LoadConnection) key.attachment();
                    try {
                        int status = connection.read();
                        if (status > 0) {
                            long now = System.nanoTime();
                            latency.recordValue(Math.min(LoadStep.MAX_MICROS, (now - connection.since) / 1000));
                            statuses.incrementAndGet(status);
                            inFlight--;
                            if (now < end) {
                                sendNext(connection);
                            }
                        }
                    } catch (IOException | RuntimeException e) {
                        fail(connection);
                    }
                }
                selector.selectedKeys().clear();
            }
            all.forEach(LoadConnection::close);
            return LoadStep.Result.of(label, 0, (System.nanoTime() - start) / 1e9, statuses, ioErrors + inFlight, 0, latency,
                    new Histogram(LoadStep.MAX_MICROS, 3));
        }
    }

    /** Sends the next request on {@code connection}, unless the requests ran out. */
    private void sendNext(LoadConnection connection) {
        byte[] request = requests.next();
        if (request == null) {
            return;
        }
        connection.since = System.nanoTime();
        inFlight++;
        try {
            connection.write(request);
        } catch (IOException e) {
            fail(connection);
        }
    }

    private void fail(LoadConnection connection) {
        ioErrors++;
        if (connection.fail()) {
            inFlight--;
        }
    }
}
