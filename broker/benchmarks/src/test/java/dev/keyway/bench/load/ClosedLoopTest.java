package dev.keyway.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The closed-loop step against a real socket server: every request answered is counted once
 * under its status, a connection the server drops costs only its request in flight, and a server
 * that stops answering ends the step after the timeout with its unanswered requests as errors.
 */
class ClosedLoopTest {

    /** Answers requests on each connection in turn; {@code answer} gives the status for the n-th (0 closes, -1 stays silent). */
    private static final class Server implements AutoCloseable {
        final ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        final AtomicInteger received = new AtomicInteger();

        interface Answer {
            int status(int n);
        }

        Server(Answer answer) throws IOException {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        Socket connection = socket.accept();
                        Thread serve = new Thread(() -> serve(connection, answer));
                        serve.setDaemon(true);
                        serve.start();
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private void serve(Socket connection, Answer answer) {
            try (connection) {
                InputStream in = new BufferedInputStream(connection.getInputStream());
                OutputStream out = connection.getOutputStream();
                while (readRequest(in)) {
                    int status = answer.status(received.getAndIncrement());
                    if (status == 0) {
                        return;
                    }
                    if (status > 0) {
                        out.write(("HTTP/1.1 " + status + " X\r\nContent-Length: 2\r\n\r\n{}").getBytes(StandardCharsets.US_ASCII));
                        out.flush();
                    }
                }
            } catch (IOException gone) {
                // the client closed the connection at the end of the step
            }
        }

        /** Reads one request's headers and Content-Length body; false at end of stream. */
        private static boolean readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return false;
                }
                head.write(b);
            }
            for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
                if (line.toLowerCase().startsWith("content-length:")) {
                    in.readNBytes(Integer.parseInt(line.substring(15).trim()));
                }
            }
            return true;
        }

        InetSocketAddress address() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private static LoadStep.Requests requests(int count) {
        AtomicInteger next = new AtomicInteger();
        return () -> next.getAndIncrement() < count ? RawHttp.post("x", "/v1/exchange", "{\"n\":" + next.get() + "}") : null;
    }

    /** A step long enough that the requests, not the clock, end it. */
    private static LoadStep.Result run(Server server, int requests, int connections) throws IOException {
        return new ClosedLoop(server.address(), requests(requests), 60, connections, TimeUnit.SECONDS.toNanos(30)).run("test");
    }

    @Test
    void everyAnsweredRequestIsCountedOnceUnderItsStatus() throws IOException {
        try (Server server = new Server(n -> n % 4 == 3 ? 429 : 200)) {
            LoadStep.Result result = run(server, 400, 8);
            assertEquals(400, server.received.get());
            assertEquals(Map.of(200, 300L, 429, 100L), result.statuses());
            assertEquals(300, result.ok());
            assertEquals(400, result.latency().getTotalCount());
            assertEquals(100, result.errors(), "the 429s are the only errors");
        }
    }

    @Test
    void aDroppedConnectionLosesOnlyItsRequestInFlight() throws IOException {
        try (Server server = new Server(n -> n == 10 ? 0 : 200)) {
            LoadStep.Result result = run(server, 100, 4);
            assertEquals(1, result.ioErrors(), "the request the server dropped");
            assertEquals(result.ok() + 1, server.received.get(), "every other request that reached the server was answered and counted");
        }
    }

    @Test
    void aServerThatStopsAnsweringEndsTheStepWithItsUnansweredRequestsAsErrors() throws IOException {
        try (Server server = new Server(n -> n < 20 ? 200 : -1)) {
            LoadStep.Result result = new ClosedLoop(server.address(), requests(1_000), 2, 4, TimeUnit.MILLISECONDS.toNanos(200))
                    .run("test");
            assertEquals(20, result.ok());
            assertEquals(4, result.ioErrors(), "one request unanswered on each connection");
        }
    }
}
