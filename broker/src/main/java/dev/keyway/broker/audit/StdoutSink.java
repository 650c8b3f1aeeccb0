package dev.keyway.broker.audit;

import java.io.PrintStream;

/** One JSON line per event on standard output (logs go to standard error, so the stream stays parseable). */
final class StdoutSink implements AuditSink {

    private final PrintStream out;

    StdoutSink(PrintStream out) {
        this.out = out;
    }

    /**
     * Writes the already encoded line with one call: every request thread passes here, and on an
     * oversubscribed machine a thread preempted inside the lock holds up the rest (JFR saw waits
     * over 10 ms with println's encoder inside it). UTF-8 whatever the platform charset, as JSON
     * requires.
     */
    @Override
    public void write(byte[] line) {
        synchronized (out) {
            out.write(line, 0, line.length);
            out.flush();
        }
    }
}
