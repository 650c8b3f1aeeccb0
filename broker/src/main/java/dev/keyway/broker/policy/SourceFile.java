package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problems;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One policy file on its way through a compile: its text once read, then its documents once
 * parsed, and the problems found on the way. It belongs to one compile, and one task at a time
 * works on it.
 */
final class SourceFile {

    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private final String name;
    private final Path path;
    private final Problems problems = new Problems();
    private String text;
    private List<PolicyCompiler.ParsedDocument> documents;

    private SourceFile(String name, Path path, String text) {
        this.name = name;
        this.path = path;
        this.text = text;
    }

    static SourceFile onDisk(Path path) {
        return new SourceFile(path.toString(), path, null);
    }

    /** Policy held in memory, as tests write it inline. */
    static SourceFile inMemory(String name, String text) {
        return new SourceFile(name, null, text);
    }

    String name() {
        return name;
    }

    /** Reading and YAML problems, in the order they were found. */
    Problems problems() {
        return problems;
    }

    /** Reads the file, once; false (with the problem reported) when it cannot be used. */
    boolean read() {
        if (text != null || path == null) {
            return text != null;
        }
        try {
            if (Files.size(path) > MAX_FILE_BYTES) {
                problems.error(Location.unknown(name), "file is larger than " + MAX_FILE_BYTES / 1024 / 1024 + " MiB");
                return false;
            }
            text = utf8(Files.readAllBytes(path));
            return true;
        } catch (CharacterCodingException e) {
            problems.error(Location.unknown(name), "not UTF-8 text");
        } catch (IOException e) {
            problems.error(Location.unknown(name), "cannot read: " + e.getMessage());
        }
        return false;
    }

    /**
     * The bytes as UTF-8 text; malformed input is a CharacterCodingException. The JDK's lenient
     * decoding is several times faster on the ASCII most policy is, and only text that contains a
     * replacement character (malformed input, or one written out) needs the strict decoder.
     */
    private static String utf8(byte[] bytes) throws CharacterCodingException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') >= 0) {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
        }
        return text;
    }

    /** The text read and not yet parsed, or null. */
    String text() {
        return text;
    }

    boolean parsed() {
        return documents != null;
    }

    /** The documents in file order (none when the file could not be read or parsed). */
    List<PolicyCompiler.ParsedDocument> documents() {
        return documents != null ? documents : List.of();
    }

    /** Stores the documents and lets the text go: a large policy holds only one file's worth per task. */
    void parsedAs(List<PolicyCompiler.ParsedDocument> documents) {
        this.documents = documents;
        this.text = null;
    }
}
