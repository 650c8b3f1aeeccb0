package dev.keyway.bench.load;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * How long the machine kept a runnable thread off the cores during a step: a thread in the
 * generator asks to sleep 1 ms over and over and records how much later than that it woke (the
 * idea of jHiccup). It does no work, so any oversleep is scheduling delay: the other processes on
 * the two cores, the kernel, or the hypervisor (DAMON's sampling bursts on this VM). Its
 * percentiles are over time, as a request arriving at a random moment would meet the stalls; put
 * beside an exchange's p99 they tell what the broker added from what the machine took away.
 */
final class StallMeter {

    private static final long INTERVAL_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long INTERVAL_MICROS = INTERVAL_NANOS / 1000;

    private final Histogram oversleepMicros = new Histogram(LoadStep.MAX_MICROS, 3);
    private final Thread thread;
    private volatile boolean running = true;

    private StallMeter() {
        thread = new Thread(this::run, "stall-meter");
        thread.setDaemon(true);
        thread.setPriority(Thread.MAX_PRIORITY);
    }

    static StallMeter start() {
        StallMeter meter = new StallMeter();
        meter.thread.start();
        return meter;
    }

    private void run() {
        while (running) {
            long before = System.nanoTime();
            LockSupport.parkNanos(INTERVAL_NANOS);
            long late = System.nanoTime() - before - INTERVAL_NANOS;
            // Corrected as jHiccup does: a 20 ms stall also stood in the way of whatever was due 1, 2, ... 19 ms into it,
            // so it counts as the 20 samples a sleeper would have taken, not one.
            oversleepMicros.recordValueWithExpectedInterval(Math.min(LoadStep.MAX_MICROS, Math.max(0, late / 1000)), INTERVAL_MICROS);
        }
    }

    /** Stops the meter; the histogram of oversleeps in microseconds, safe to read once this returns. */
    Histogram stop() throws InterruptedException {
        running = false;
        thread.join();
        return oversleepMicros;
    }
}
