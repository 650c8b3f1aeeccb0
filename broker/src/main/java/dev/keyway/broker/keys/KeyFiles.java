package dev.keyway.broker.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Writes key material readable by its owner only, atomically, so a crash never leaves half a key. */
public final class KeyFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    private KeyFiles() {
    }

    public static void ensureOwnerOnlyDirectory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            if (POSIX) {
                Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(dir);
            }
        }
    }

    public static void writePrivate(Path file, String content) throws IOException {
        write(file, content, "rw-------");
    }

    public static void writePublic(Path file, String content) throws IOException {
        write(file, content, "rw-r--r--");
    }

    private static void write(Path file, String content, String permissions) throws IOException {
        Path tmp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
        try {
            if (POSIX) {
                Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(permissions));
            }
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
