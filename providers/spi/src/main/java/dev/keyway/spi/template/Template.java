package dev.keyway.spi.template;

import dev.keyway.spi.ClaimCatalog;
import dev.keyway.spi.ClaimRef;
import dev.keyway.spi.Identity;
import dev.keyway.spi.config.Location;
import dev.keyway.spi.config.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * A string with {@code {{claim}}} placeholders, parsed once when policy loads. Rendering only
 * concatenates: no parsing at exchange time. A placeholder names a normalized claim or a JSON
 * pointer; a missing or non-scalar claim makes rendering fail rather than yield an empty piece.
 */
public final class Template {

    private sealed interface Part permits Literal, Placeholder {
    }

    private record Literal(String text) implements Part {
    }

    private record Placeholder(ClaimRef claim) implements Part {
    }

    /**
     * Templates parsed without a problem, by text. A policy repeats a few templates in thousands
     * of bindings ({@code {{repository}}@{{ref}}}); sharing one parse saves the compile's time and
     * the compiled policy's heap. Parts do not depend on the catalog, which is checked on every
     * parse. Bounded: cleared when full, so a reload never keeps a policy's templates for good.
     */
    private static final Map<String, Template> PARSED = new ConcurrentHashMap<>();
    private static final int MAX_PARSED = 4096;

    private final String source;
    private final List<Part> parts;

    private Template(String source, List<Part> parts) {
        this.source = source;
        this.parts = List.copyOf(parts);
    }

    public static Template literal(String text) {
        return new Template(text, List.of(new Literal(text)));
    }

    /**
     * Parses {@code text}; reports unclosed or empty placeholders and claims the catalog does not
     * know. Returns empty when there were errors.
     */
    public static Optional<Template> parse(String text, Location where, ClaimCatalog catalog, Problems problems) {
        Template parsed = PARSED.get(text);
        if (parsed == null) {
            return parseNew(text, where, catalog, problems);
        }
        int errors = problems.errorCount();
        for (Part part : parsed.parts) {
            if (part instanceof Placeholder p && !p.claim().isPointer() && !catalog.knows(p.claim().text())) {
                unknownClaim(text, p.claim().text(), where, catalog, problems);
            }
        }
        return problems.errorCount() == errors ? Optional.of(parsed) : Optional.empty();
    }

    private static Optional<Template> parseNew(String text, Location where, ClaimCatalog catalog, Problems problems) {
        List<Part> parts = new ArrayList<>();
        int errors = problems.errorCount();
        int pos = 0;
        while (pos < text.length()) {
            int open = text.indexOf("{{", pos);
            int strayClose = text.indexOf("}}", pos);
            if (strayClose >= 0 && (open < 0 || strayClose < open)) {
                problems.error(where, "template '" + text + "' has '}}' without a matching '{{'");
                return Optional.empty();
            }
            if (open < 0) {
                parts.add(new Literal(text.substring(pos)));
                break;
            }
            if (open > pos) {
                parts.add(new Literal(text.substring(pos, open)));
            }
            int close = text.indexOf("}}", open + 2);
            if (close < 0) {
                problems.error(where, "template '" + text + "' has '{{' without a closing '}}'");
                return Optional.empty();
            }
            String name = text.substring(open + 2, close).strip();
            if (name.isEmpty() || name.contains("{") || name.contains(" ")) {
                problems.error(where, "template '" + text + "': '{{" + name + "}}' is not a claim name");
            } else {
                ClaimRef ref = ClaimRef.parse(name);
                if (!ref.isPointer() && !catalog.knows(name)) {
                    unknownClaim(text, name, where, catalog, problems);
                }
                parts.add(new Placeholder(ref));
            }
            pos = close + 2;
        }
        if (problems.errorCount() != errors) {
            return Optional.empty();
        }
        if (PARSED.size() >= MAX_PARSED) {
            PARSED.clear();
        }
        Template template = new Template(text, parts);
        Template raced = PARSED.putIfAbsent(text, template);
        return Optional.of(raced != null ? raced : template);
    }

    private static void unknownClaim(String text, String name, Location where, ClaimCatalog catalog, Problems problems) {
        problems.error(where, "template '" + text + "' uses claim '" + name + "', which " + catalog.describe()
                + " does not have; reach raw claims with a JSON pointer like {{/" + name + "}}");
    }

    /** The value for this identity, or empty when a claim it uses is missing or not a scalar. */
    public Optional<String> render(Identity identity) {
        return render(identity, UnaryOperator.identity());
    }

    /**
     * As {@link #render(Identity)}, with every claim value passed through {@code escape} and the
     * literal text kept as written: a target with its own syntax (a SPIFFE path) escapes what a
     * claim brings, never what the policy author wrote.
     */
    public Optional<String> render(Identity identity, UnaryOperator<String> escape) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            if (part instanceof Literal l) {
                out.append(l.text());
            } else {
                Optional<String> value = identity.value(((Placeholder) part).claim()).scalar();
                if (value.isEmpty()) {
                    return Optional.empty();
                }
                out.append(escape.apply(value.get()));
            }
        }
        return Optional.of(out.toString());
    }

    /**
     * The text with every placeholder replaced by {@code standIn}: lets a provider check the literal
     * parts at load time (is the rest a valid SPIFFE ID? where does the first placeholder sit?).
     */
    public String withPlaceholders(String standIn) {
        StringBuilder out = new StringBuilder();
        for (Part part : parts) {
            out.append(part instanceof Literal l ? l.text() : standIn);
        }
        return out.toString();
    }

    /** The claims this template reads, for diagnostics ("template needs claim X"). */
    public List<ClaimRef> claims() {
        return parts.stream().filter(Placeholder.class::isInstance).map(p -> ((Placeholder) p).claim()).toList();
    }

    public boolean isLiteral() {
        return parts.stream().allMatch(Literal.class::isInstance);
    }

    /** The text as written in policy. */
    public String source() {
        return source;
    }

    @Override
    public String toString() {
        return source;
    }
}
