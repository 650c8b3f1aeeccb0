package dev.keyway.bench.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The load generator's HTTP/1.1 response reader: what it must get right to count statuses and keep connections in step. */
class RawHttpTest {

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aContentLengthBodyIsReadExactlySoTheNextResponseStartsInStep() throws IOException {
        InputStream in = stream("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloHTTP/1.1 401 Unauthorized\r\ncontent-length: 2\r\n\r\n{}");
        RawHttp.Response first = RawHttp.read(in, true);
        RawHttp.Response second = RawHttp.read(in, true);
        assertEquals(200, first.status());
        assertArrayEquals("hello".getBytes(StandardCharsets.US_ASCII), first.body());
        assertEquals(401, second.status());
        assertEquals(-1, in.read());
    }

    @Test
    void aChunkedBodyIsReassembledAndItsTrailersSkipped() throws IOException {
        InputStream in = stream("HTTP/1.1 503 Service Unavailable\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n");
        RawHttp.Response response = RawHttp.read(in, true);
        assertEquals(503, response.status());
        assertArrayEquals("abcde".getBytes(StandardCharsets.US_ASCII), response.body());
        assertEquals(-1, in.read());
    }

    @Test
    void connectionCloseIsNoticedSoTheNextRequestReconnects() throws IOException {
        RawHttp.Response response = RawHttp.read(stream("HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"), false);
        assertEquals(429, response.status());
        assertEquals(true, response.closes());
    }

    @Test
    void aBodyCutShortIsAnErrorNotAShortResponse() {
        assertThrows(EOFException.class, () -> RawHttp.read(stream("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"), true));
    }

    @Test
    void aRequestCarriesItsExactBodyLength() {
        String request = new String(RawHttp.post("127.0.0.1:1", "/v1/exchange", "{\"binding\":\"é\"}"), StandardCharsets.UTF_8);
        assertEquals(true, request.contains("Content-Length: 16\r\n"), request);
    }
}
