package dev.keyway.spi;

import java.util.ArrayList;
import java.util.List;

/**
 * A reference to one claim, parsed once at load time: a normalized claim name ({@code repository})
 * or an RFC 6901 JSON pointer into the raw claims ({@code /kubernetes.io/pod/name}).
 */
public record ClaimRef(String text, List<String> pointer) {

    public ClaimRef {
        pointer = pointer == null ? null : List.copyOf(pointer);
    }

    public static ClaimRef parse(String text) {
        if (!text.startsWith("/")) {
            return new ClaimRef(text, null);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : text.substring(1).split("/", -1)) {
            segments.add(raw.replace("~1", "/").replace("~0", "~"));
        }
        return new ClaimRef(text, segments);
    }

    public boolean isPointer() {
        return pointer != null;
    }

    /** The claim name, or for a pointer its first segment (the top-level claim it reaches into). */
    public String topLevel() {
        return isPointer() ? pointer.get(0) : text;
    }

    @Override
    public String toString() {
        return text;
    }
}
