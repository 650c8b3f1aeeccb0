package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds policy files under the configured paths and reads their YAML documents. Directories are
 * walked in name order; hidden entries are skipped, which also skips the {@code ..data} links a
 * Kubernetes ConfigMap mount creates.
 */
public final class PolicySources {

    private static final long MAX_FILE_BYTES = 4L * 1024 * 1024;

    private PolicySources() {
    }

    /** A document and the file it came from. */
    public record SourceDocument(String file, Node root) {
    }

    public static List<Path> files(List<Path> paths, Problems problems) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path)) {
                    walk.filter(p -> !p.equals(path) && !hidden(path, p))
                            .filter(Files::isRegularFile)
                            .filter(PolicySources::isYaml)
                            .sorted()
                            .forEach(files::add);
                } catch (IOException | java.io.UncheckedIOException e) {
                    problems.error(Location.unknown(path.toString()), "cannot read directory: " + e.getMessage());
                }
            } else if (Files.isRegularFile(path)) {
                files.add(path);
            } else {
                problems.error(Location.unknown(path.toString()), "no such file or directory");
            }
        }
        return files;
    }

    /** Reads every file; files parse in parallel (they are independent), results keep file order. */
    public static List<SourceDocument> read(List<Path> paths, Problems problems) {
        record Parsed(List<SourceDocument> documents, Problems problems) {
        }
        List<Parsed> parsed = files(paths, problems).parallelStream().map(file -> {
            Problems own = new Problems();
            return new Parsed(readFile(file, own), own);
        }).toList();
        List<SourceDocument> documents = new ArrayList<>();
        for (Parsed p : parsed) {
            documents.addAll(p.documents());
            problems.addAll(p.problems().all());
        }
        return documents;
    }

    private static List<SourceDocument> readFile(Path file, Problems problems) {
        String name = file.toString();
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                problems.error(Location.unknown(name), "file is larger than " + MAX_FILE_BYTES / 1024 / 1024 + " MiB");
                return List.of();
            }
            String text = StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(Files.readAllBytes(file))).toString();
            List<SourceDocument> documents = new ArrayList<>();
            for (Node root : YamlDocuments.read(name, text, problems)) {
                documents.add(new SourceDocument(name, root));
            }
            return documents;
        } catch (CharacterCodingException e) {
            problems.error(Location.unknown(name), "not UTF-8 text");
        } catch (IOException e) {
            problems.error(Location.unknown(name), "cannot read: " + e.getMessage());
        }
        return List.of();
    }

    private static boolean isYaml(Path p) {
        String name = p.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static boolean hidden(Path root, Path p) {
        for (Path part : root.relativize(p)) {
            if (part.toString().startsWith(".")) {
                return true;
            }
        }
        return false;
    }
}
