package dev.keyway.broker.policy;

import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problems;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds policy files under the configured paths. Directories are walked in name order; hidden
 * entries are skipped, which also skips the {@code ..data} links a Kubernetes ConfigMap mount
 * creates.
 */
public final class PolicySources {

    private PolicySources() {
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
