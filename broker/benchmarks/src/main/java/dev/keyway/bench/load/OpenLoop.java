package dev.keyway.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * The open-loop step on two threads instead of one per connection: a sender that wakes when each
 * request is due and writes it on an idle keep-alive connection, and a receiver that reads every
 * response from one selector. The generator shares the cores with the broker; with a thread per
 * connection it cost 100 us of CPU per request at 512 connections and woke hundreds of threads,
 * which the broker's tail latency then paid for.
 *
 * <p>Request {@code i} is due at {@code start + i / rate}; when no connection is idle it goes out
 * late and its latency still counts from when it was due (no coordinated omission).
 */
final class OpenLoop {

    private final InetSocketAddress broker;
    private final LoadStep.Requests requests;
    private final double rate;
    private final double seconds;
    private final int connections;
    private final double drainSeconds;
    private final LinkedBlockingQueue<LoadConnection> idle = new LinkedBlockingQueue<>();
    private final AtomicInteger outstanding = new AtomicInteger();
    private final Histogram latency = new Histogram(LoadStep.MAX_MICROS, 3);
    private final Histogram sendLag = new Histogram(LoadStep.MAX_MICROS, 3);
    private final AtomicLongArray statuses = new AtomicLongArray(600); // written by the receiver only
    private long ioErrors;
    private long notSent;
    private volatile boolean sending = true;

    OpenLoop(InetSocketAddress broker, LoadStep.Requests requests, double rate, double seconds, int connections,
             double drainSeconds) {
        this.broker = broker;
        this.requests = requests;
        this.rate = rate;
        this.seconds = seconds;
        this.connections = connections;
        this.drainSeconds = drainSeconds;
    }

    LoadStep.Result run(String label) throws IOException, InterruptedException {
        try (Selector selector = Selector.open()) {
            List<LoadConnection> all = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                LoadConnection connection = LoadConnection.open(broker, selector);
                all.add(connection);
                idle.add(connection);
            }
            long total = Math.round(rate * seconds);
            double intervalNanos = 1e9 / rate;
            long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
            long giveUp = start + (long) ((seconds + drainSeconds) * 1e9);
            Thread receiver = new Thread(() -> receive(selector, giveUp), "load-receiver");
            receiver.setDaemon(true);
            receiver.start();
            send(total, start, intervalNanos, giveUp);
            sending = false;
            selector.wakeup();
            receiver.join();
            all.forEach(LoadConnection::close);
            double elapsed = Math.max(seconds, (System.nanoTime() - start) / 1e9);
            return result(label, elapsed);
        }
    }

    private void send(long total, long start, double intervalNanos, long giveUp) {
        for (long i = 0; i < total; i++) {
            long due = start + (long) (i * intervalNanos);
            long now = System.nanoTime();
            while (now < due) {
                LockSupport.parkNanos(due - now);
                now = System.nanoTime();
            }
            LoadConnection connection = idle.poll();
            if (connection == null) { // every connection is busy: this request goes out late, counted from due
                try {
                    connection = idle.poll(Math.max(0, giveUp - now), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                now = System.nanoTime();
            }
            byte[] request = connection == null ? null : requests.next();
            if (request == null) {
                if (connection != null) {
                    idle.add(connection);
                }
                notSent += total - i; // out of time (the run must stay bounded) or out of tokens
                return;
            }
            sendLag.recordValue(Math.min(LoadStep.MAX_MICROS, (now - due) / 1000));
            connection.since = due;
            outstanding.incrementAndGet();
            try {
                connection.write(request);
            } catch (IOException e) {
                synchronized (this) {
                    ioErrors++;
                }
                if (connection.fail()) {
                    outstanding.decrementAndGet();
                }
            }
        }
    }

    private void receive(Selector selector, long giveUp) {
        try {
            while ((sending || outstanding.get() > 0) && System.nanoTime() < giveUp) {
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    read((LoadConnection) key.attachment());
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            synchronized (this) {
                ioErrors++;
            }
        }
    }

    private void read(LoadConnection connection) {
        try {
            int status = connection.read();
            if (status > 0) {
                latency.recordValue(Math.min(LoadStep.MAX_MICROS, (System.nanoTime() - connection.since) / 1000));
                statuses.incrementAndGet(status);
                outstanding.decrementAndGet();
                idle.add(connection);
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                ioErrors++;
            }
            if (connection.fail()) {
                outstanding.decrementAndGet();
            }
        }
    }

    private synchronized LoadStep.Result result(String label, double elapsed) {
        long unanswered = Math.max(0, outstanding.get());
        return LoadStep.Result.of(label, rate, elapsed, statuses, ioErrors + unanswered, notSent, latency, sendLag);
    }
}
