package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;

/**
 * Reads YAML into {@link Node} trees that remember each value's line. Uses SnakeYAML's composer
 * only (no object construction), so a document can never instantiate anything; duplicate keys
 * are reported, not silently overwritten. Scalars are typed by the YAML 1.2 core schema
 * ({@link CoreSchema}).
 */
final class YamlDocuments {

    private static final int MAX_FILE_CODE_POINTS = 8 * 1024 * 1024;

    private YamlDocuments() {
    }

    static List<Node> read(String file, String text, Problems problems) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(true); // we report duplicates ourselves, with both lines
        options.setMaxAliasesForCollections(20);
        options.setCodePointLimit(MAX_FILE_CODE_POINTS);
        options.setNestingDepthLimit(50);
        List<Node> documents = new ArrayList<>();
        NodeConverter converter = new NodeConverter(file, problems);
        try (Reader reader = new StringReader(text)) {
            // The composer alone, as Yaml.composeAll builds it, with the core-schema resolver.
            Composer composer = new Composer(new ParserImpl(new StreamReader(reader), options),
                    new CoreSchema.CoreResolver(), options);
            while (composer.checkNode()) {
                org.yaml.snakeyaml.nodes.Node root = composer.getNode();
                if (root != null) {
                    documents.add(converter.convert(root));
                }
            }
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            // An unclosed quote or bracket is only noticed at the end of the file: point at where it opened.
            if (e.getContextMark() != null && e.getProblem() != null && e.getProblem().contains("end of stream")) {
                mark = e.getContextMark();
            }
            int line = mark != null ? mark.getLine() + 1 : 0;
            problems.error(new Location(file, line), "not valid YAML: " + firstLine(e.getProblem()));
            return List.of();
        } catch (YAMLException | java.io.IOException e) {
            problems.error(Location.unknown(file), "not valid YAML: " + firstLine(e.getMessage()));
            return List.of();
        }
        return documents;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable document";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
