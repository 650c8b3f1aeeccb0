package dev.keyway.bench.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A blocking keep-alive HTTP/1.1 connection for the broker's readiness probe, and the request
 * bytes every load step sends (pre-built, so sending one is a single write). The load steps read
 * their responses through {@link LoadConnection} and a selector instead: the generator shares the
 * two cores with the broker, and a thread blocked per connection cost it a wake-up per response.
 */
final class RawHttp implements AutoCloseable {

    /** A response: status, the bytes of its body (kept only when asked for), and whether the server closes. */
    record Response(int status, byte[] body, boolean closes) {
    }

    private final InetSocketAddress address;
    private final int timeoutMillis;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    /** {@code timeoutMillis}: for connecting and for each read. */
    RawHttp(InetSocketAddress address, int timeoutMillis) {
        this.address = address;
        this.timeoutMillis = timeoutMillis;
    }

    static byte[] post(String hostPort, String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, request, 0, headBytes.length);
        System.arraycopy(body, 0, request, headBytes.length, body.length);
        return request;
    }

    static byte[] get(String hostPort, String path) {
        return ("GET " + path + " HTTP/1.1\r\nHost: " + hostPort + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Sends {@code request}, reconnecting first if the last response closed the connection. */
    Response send(byte[] request, boolean keepBody) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request);
            out.flush();
            Response response = read(in, keepBody);
            if (response.closes()) {
                close();
            }
            return response;
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(timeoutMillis);
        s.connect(address, timeoutMillis);
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 16 * 1024);
        out = s.getOutputStream();
    }

    /** Reads one response: status line, headers, then a Content-Length or chunked body. */
    static Response read(InputStream in, boolean keepBody) throws IOException {
        String statusLine = line(in);
        if (!statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP response: " + statusLine);
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean closes = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            if (name.equals("content-length")) {
                length = Long.parseLong(value);
            } else if (name.equals("transfer-encoding") && value.toLowerCase(Locale.ROOT).contains("chunked")) {
                chunked = true;
            } else if (name.equals("connection") && value.equalsIgnoreCase("close")) {
                closes = true;
            }
        }
        java.io.ByteArrayOutputStream body = keepBody ? new java.io.ByteArrayOutputStream() : null;
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16); size > 0;
                 size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                copy(in, size, body);
                line(in);
            }
            while (!line(in).isEmpty()) {
                // trailers
            }
        } else if (length > 0) {
            copy(in, length, body);
        }
        return new Response(status, body == null ? new byte[0] : body.toByteArray(), closes);
    }

    private static void copy(InputStream in, long n, java.io.ByteArrayOutputStream body) throws IOException {
        byte[] buffer = new byte[4096];
        while (n > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, n));
            if (read < 0) {
                throw new EOFException("connection closed mid-body");
            }
            if (body != null) {
                body.write(buffer, 0, read);
            }
            n -= read;
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException("connection closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a broken connection: nothing left to do
            }
            socket = null;
        }
    }
}
