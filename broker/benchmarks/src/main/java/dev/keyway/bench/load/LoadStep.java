package dev.keyway.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;

/**
 * One measured step of load against {@code POST /v1/exchange}.
 *
 * <p>Open loop: request {@code i} is due at {@code start + i / rate}, whatever happened to the ones
 * before it ({@link OpenLoop}: one sender thread, one selector thread). When every connection is
 * busy the next request goes out late, and its latency still counts from the moment it was due.
 * So a stall shows up in the percentiles instead of silently slowing the sender (no coordinated
 * omission). How late the generator itself sent ({@code sendLag}) is kept apart,
 * to tell the generator's own delay from the broker's.
 *
 * <p>Closed loop ({@link ClosedLoop}, one selector thread): each connection sends the next request
 * as soon as the last one answered; used only to find saturation throughput, never for latency.
 */
final class LoadStep {

    /** Latencies up to a minute, in microseconds, to three significant digits. */
    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);

    /** Requests for one step: each call hands out a new, never-used token; null when none are left. */
    @FunctionalInterface
    interface Requests {
        byte[] next();
    }

    record Result(String label, double targetRate, double seconds, long completed, long ok, Map<Integer, Long> statuses,
                  long ioErrors, long notSent, Histogram latency, Histogram sendLag) {

        double throughput() {
            return ok / seconds;
        }

        long errors() {
            return completed - ok + ioErrors + notSent;
        }

        double percentileMillis(double p) {
            return latency.getValueAtPercentile(p) / 1000.0;
        }

        /** A step's result from its count of responses per HTTP status (index = status). */
        static Result of(String label, double targetRate, double seconds, AtomicLongArray statuses, long ioErrors,
                         long notSent, Histogram latency, Histogram sendLag) {
            Map<Integer, Long> byStatus = new TreeMap<>();
            long completed = 0;
            for (int s = 0; s < statuses.length(); s++) {
                if (statuses.get(s) > 0) {
                    byStatus.put(s, statuses.get(s));
                    completed += statuses.get(s);
                }
            }
            return new Result(label, targetRate, seconds, completed, byStatus.getOrDefault(200, 0L), byStatus, ioErrors,
                    notSent, latency, sendLag);
        }
    }

    private LoadStep() {
    }

    static Result openLoop(String label, InetSocketAddress broker, Requests requests, double rate, double seconds,
                           int connections, double drainSeconds) throws InterruptedException {
        try {
            return new OpenLoop(broker, requests, rate, seconds, connections, drainSeconds).run(label);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + connections + " connections to the broker at " + broker
                    + ": is it running, and is the open-file limit high enough (ulimit -n)?", e);
        }
    }

    static Result closedLoop(String label, InetSocketAddress broker, Requests requests, double seconds, int connections) {
        try {
            return new ClosedLoop(broker, requests, seconds, connections, ClosedLoop.TIMEOUT_NANOS).run(label);
        } catch (IOException e) {
            throw new IllegalStateException("cannot open " + connections + " connections to the broker at " + broker
                    + ": is it running?", e);
        }
    }
}
