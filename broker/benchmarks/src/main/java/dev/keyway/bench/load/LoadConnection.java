package dev.keyway.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One non-blocking keep-alive connection of the load generator, read by a selector: when its
 * request went out (or was due) and the response read so far. The broker answers
 * {@code /v1/exchange} with a {@code Content-Length} body, so a response is complete once its
 * headers and that many bytes are in.
 */
final class LoadConnection {

    private final SocketChannel channel;
    private final SelectionKey key;
    private ByteBuffer response = ByteBuffer.allocate(16 * 1024);
    /** Nanotime the request in flight counts its latency from; written by the sender, read by the receiver. */
    volatile long since;
    /** Whether a request went out and its response is not all in yet. */
    volatile boolean awaiting;

    private LoadConnection(SocketChannel channel, SelectionKey key) {
        this.channel = channel;
        this.key = key;
    }

    static LoadConnection open(InetSocketAddress broker, Selector selector) throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.connect(broker);
        channel.configureBlocking(false);
        SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
        LoadConnection connection = new LoadConnection(channel, key);
        key.attach(connection);
        return connection;
    }

    /** Writes the whole request (a few KiB: the socket buffer takes it at once unless the broker stopped reading). */
    void write(byte[] request) throws IOException {
        awaiting = true;
        ByteBuffer buffer = ByteBuffer.wrap(request);
        while (buffer.hasRemaining()) {
            if (channel.write(buffer) == 0) {
                Thread.onSpinWait();
            }
        }
    }

    /** Reads what has arrived; the status once the whole response is in (and the buffer is ready for the next), else 0. */
    int read() throws IOException {
        if (!response.hasRemaining()) {
            response = ByteBuffer.allocate(response.capacity() * 2).put(response.flip());
        }
        if (channel.read(response) < 0) {
            throw new IOException("the broker closed the connection");
        }
        int status = complete(response);
        if (status > 0) {
            response.clear();
            awaiting = false;
        }
        return status;
    }

    /**
     * Stops using a connection that failed; true the first time it is called while a request was
     * in flight (the sender and the receiver may both see the failure; the request is lost once).
     */
    synchronized boolean fail() {
        key.cancel();
        close();
        boolean lost = awaiting;
        awaiting = false;
        return lost;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException e) {
            // closing after the step: nothing left to read
        }
    }

    /** The status once a whole response (headers and Content-Length body) is in {@code buffer}, else 0. */
    static int complete(ByteBuffer buffer) throws IOException {
        byte[] bytes = buffer.array();
        int end = buffer.position();
        int headersEnd = -1;
        for (int i = 3; i < end; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                headersEnd = i + 1;
                break;
            }
        }
        if (headersEnd < 0) {
            return 0;
        }
        String headers = new String(bytes, 0, headersEnd, StandardCharsets.US_ASCII);
        if (!headers.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response");
        }
        int length = 0;
        for (String line : headers.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
                length = Integer.parseInt(line.substring(colon + 1).trim());
            } else if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("transfer-encoding")) {
                throw new IOException("chunked responses are not expected from the exchange endpoint");
            }
        }
        if (end - headersEnd < length) {
            return 0;
        }
        if (end - headersEnd > length) {
            throw new IOException("bytes after the response: the broker answered a request not sent");
        }
        return Integer.parseInt(headers.substring(9, 12));
    }
}
