package dev.keyway.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Closed loop: each connection sends the next request as soon as the last one answered; used
 * only to find saturation throughput, never for latency.
 */
final class LoadStep {

    /** Latencies up to a minute, in microseconds, to three significant digits. */
    static final long MAX_MICROS = TimeUnit.MINUTES.toMicros(1);
    private static final int TIMEOUT_MILLIS = 10_000;

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

    static Result closedLoop(String label, InetSocketAddress broker, Requests requests, double seconds, int connections)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        Shared shared = new Shared(connections);
        List<Thread> threads = new ArrayList<>();
        List<RawHttp> open = new CopyOnWriteArrayList<>();
        for (int c = 0; c < connections; c++) {
            int id = c;
            threads.add(start("load-" + c, () -> {
                try (RawHttp http = new RawHttp(broker, 0)) {
                    open.add(http);
                    while (System.nanoTime() < end) {
                        byte[] request = requests.next();
                        if (request == null) {
                            return;
                        }
                        long sent = System.nanoTime();
                        shared.send(http, request);
                        shared.latency[id].recordValue(Math.min(MAX_MICROS, (System.nanoTime() - sent) / 1000));
                    }
                }
            }));
        }
        // Reads block without a socket timeout (cheaper per request); a broker that stops answering
        // is cut off here instead, and its unanswered requests count as I/O errors.
        Thread watchdog = start("load-watchdog", () -> {
            try {
                TimeUnit.NANOSECONDS.sleep(end - System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS));
                open.forEach(RawHttp::abort);
            } catch (InterruptedException done) {
                // every connection finished in time
            }
        });
        for (Thread thread : threads) {
            thread.join();
        }
        watchdog.interrupt();
        return shared.result(label, (System.nanoTime() - start) / 1e9);
    }

    private static Thread start(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** Per-connection histograms (single writer each, merged at the end) and shared counters. */
    private static final class Shared {
        final Histogram[] latency;
        final AtomicLongArray statuses = new AtomicLongArray(600);
        final AtomicLong ioErrors = new AtomicLong();

        Shared(int connections) {
            latency = new Histogram[connections];
            for (int c = 0; c < connections; c++) {
                latency[c] = new Histogram(MAX_MICROS, 3);
            }
        }

        void send(RawHttp http, byte[] request) {
            try {
                statuses.incrementAndGet(http.send(request, false).status());
            } catch (IOException | RuntimeException e) {
                ioErrors.incrementAndGet();
            }
        }

        /** Closed loop: every request is sent as soon as a connection is free, so there is no send lag. */
        Result result(String label, double seconds) {
            Histogram all = new Histogram(MAX_MICROS, 3);
            for (Histogram connection : latency) {
                all.add(connection);
            }
            return Result.of(label, 0, seconds, statuses, ioErrors.get(), 0, all, new Histogram(MAX_MICROS, 3));
        }
    }
}
