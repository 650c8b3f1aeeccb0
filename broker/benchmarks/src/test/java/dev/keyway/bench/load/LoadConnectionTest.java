package dev.keyway.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** When a selector-read response is complete: only once its headers and its whole Content-Length body are in. */
class LoadConnectionTest {

    private static ByteBuffer readSoFar(String text) {
        return ByteBuffer.allocate(1024).put(text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aResponseIsCompleteOnlyWithItsWholeBody() throws IOException {
        String response = "HTTP/1.1 201 Created\r\ncontent-length: 5\r\n\r\nhello";
        for (int cut = 0; cut < response.length(); cut++) {
            assertEquals(0, LoadConnection.complete(readSoFar(response.substring(0, cut))), "cut at " + cut);
        }
        assertEquals(201, LoadConnection.complete(readSoFar(response)));
    }

    @Test
    void aResponseWithoutBodyIsCompleteAtTheEndOfItsHeaders() throws IOException {
        assertEquals(503, LoadConnection.complete(readSoFar("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\n\r\n")));
    }

    @Test
    void bytesBeyondTheResponseMeanTheConnectionIsOutOfStep() {
        assertThrows(IOException.class, () -> LoadConnection.complete(readSoFar("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP")));
    }

    @Test
    void chunkedAndNonHttpAnswersAreErrorsNotStatuses() {
        assertThrows(IOException.class, () -> LoadConnection.complete(readSoFar("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n")));
        assertThrows(IOException.class, () -> LoadConnection.complete(readSoFar("SSH-2.0-OpenSSH\r\n\r\n")));
    }
}
