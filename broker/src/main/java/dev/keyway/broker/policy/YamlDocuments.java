package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.io.Reader;
import java.io.StringReader;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads YAML into {@link Node} trees that remember each value's line: SnakeYAML's parser, then
 * {@link YamlComposer} (no object construction, so a document can never instantiate anything).
 * Duplicate keys are reported, not silently overwritten. Scalars are typed by the YAML 1.2 core
 * schema ({@link CoreSchema}). A file that is not valid YAML yields one problem and no documents.
 */
final class YamlDocuments {

    private static final int MAX_FILE_CODE_POINTS = 8 * 1024 * 1024;

    private YamlDocuments() {
    }

    static List<Node> read(String file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_FILE_CODE_POINTS);
        try (Reader reader = new StringReader(text)) {
            return new YamlComposer(new ParserImpl(new StreamReader(reader), options), file, problems).documents();
        } catch (YamlComposer.Refused e) {
            problems.error(e.location(), "not valid YAML: " + e.getMessage());
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            // An unclosed quote or bracket is only noticed at the end of the file: point at where it opened.
            if (e.getContextMark() != null && e.getProblem() != null && e.getProblem().contains("end of stream")) {
                mark = e.getContextMark();
            }
            int line = mark != null ? mark.getLine() + 1 : 0;
            problems.error(new Location(file, line), "not valid YAML: " + firstLine(e.getProblem()));
        } catch (YAMLException | java.io.IOException e) {
            problems.error(Location.unknown(file), "not valid YAML: " + firstLine(e.getMessage()));
        }
        return List.of();
    }

    /**
     * Whether a scalar in {@code text} could read as {@code word} (letters only), without parsing
     * it. Scalar text is written out in the document except what a double-quoted scalar's escapes
     * make: a hex or Unicode escape (a backslash and x, u or U) can make any letter, and
     * an escaped line break joins two lines with nothing between them. Every other escape makes a
     * character that is not a letter, and folding a line break makes a space or newline. So a text
     * that neither contains the word nor one of these escapes cannot hold it; an alias only repeats
     * a scalar of the same text. False positives cost nothing but time.
     */
    static boolean mayHold(String text, String word) {
        if (text.contains(word)) {
            return true;
        }
        for (int i = text.indexOf('\\'); i >= 0 && i + 1 < text.length(); i = text.indexOf('\\', i + 1)) {
            switch (text.charAt(i + 1)) {
                case 'x', 'u', 'U', '\n', '\r', '\u0085', '\u2028', '\u2029' -> {
                    return true;
                }
                default -> {
                    // an escape that makes no letter, or a backslash outside double quotes
                }
            }
        }
        return false;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
