package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reading a policy file refuses before any YAML is parsed. */
class SourceFileTest {

    @TempDir
    Path dir;

    private SourceFile read(byte[] bytes) throws IOException {
        Path file = Files.write(dir.resolve("p.yaml"), bytes);
        SourceFile source = SourceFile.onDisk(file);
        source.read();
        return source;
    }

    private static String problems(SourceFile file) {
        return file.problems().all().toString();
    }

    @Test
    void malformedUtf8IsRefused() throws IOException {
        SourceFile file = read(new byte[] {'a', ':', ' ', (byte) 0xC3, (byte) 0x28, '\n'});
        assertEquals(null, file.text());
        assertTrue(problems(file).contains("not UTF-8 text"), problems(file));
    }

    @Test
    void aReplacementCharacterWrittenOutIsText() throws IOException {
        SourceFile file = read("a: \"\uFFFD and é\"\n".getBytes(StandardCharsets.UTF_8));
        assertEquals("a: \"\uFFFD and é\"\n", file.text());
        assertFalse(file.problems().hasErrors());
    }

    @Test
    void aFileOverFourMebibytesIsRefused() throws IOException {
        SourceFile file = read(new byte[4 * 1024 * 1024 + 1]);
        assertEquals(null, file.text());
        assertTrue(problems(file).contains("file is larger than 4 MiB"), problems(file));
    }

    @Test
    void aFileThatCannotBeReadIsReportedNotThrown() {
        SourceFile file = SourceFile.onDisk(dir.resolve("missing.yaml"));
        assertFalse(file.read());
        assertTrue(problems(file).contains("cannot read"), problems(file));
    }
}
