package dev.keyway.spi.config;

/** Where a piece of configuration came from, so every problem can point at its file and line. */
public record Location(String file, int line) {

    public static Location unknown(String file) {
        return new Location(file, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
