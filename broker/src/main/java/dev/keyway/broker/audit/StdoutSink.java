package dev.keyway.broker.audit;

import java.io.PrintStream;

/** One JSON line per event on standard output (logs go to standard error, so the stream stays parseable). */
final class StdoutSink implements AuditSink {

    private final PrintStream out;

    StdoutSink(PrintStream out) {
        this.out = out;
    }

    @Override
    public void write(String jsonLine) {
        synchronized (out) {
            out.println(jsonLine);
            out.flush();
        }
    }
}
