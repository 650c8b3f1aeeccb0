package dev.keyway.broker.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class StdoutSinkTest {

    @Test
    void concurrentLinesArriveWholeAndInUtf8WhateverTheStreamsCharset() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        StdoutSink sink = new StdoutSink(new PrintStream(bytes, false, StandardCharsets.ISO_8859_1));
        List<Thread> threads = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            for (int i = 0; i < 500; i++) {
                expected.add("{\"actor\":\"zoë-" + thread + "-" + i + "\",\"pad\":\"" + "x".repeat(2_000) + "\"}");
            }
            threads.add(new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    sink.write(("{\"actor\":\"zoë-" + thread + "-" + i + "\",\"pad\":\"" + "x".repeat(2_000) + "\"}\n")
                            .getBytes(StandardCharsets.UTF_8));
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n", -1);
        assertEquals(4_001, lines.length, "4,000 lines, each ended by a newline");
        assertEquals("", lines[4_000]);
        assertEquals(expected, new HashSet<>(List.of(lines).subList(0, 4_000)), "no line torn, interleaved or re-encoded");
    }
}
