package dev.keyway.broker.policy;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.keyway.spi.config.Node;
import dev.keyway.spi.config.Problems;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns one {@code match} value into a {@link Matcher}: a scalar is exact, a list is any-of, and a
 * one-key mapping is {@code glob}, {@code regex} or {@code not}. Every pattern is compiled here,
 * once; a bad one is a load error with its line.
 *
 * <p>One instance serves one policy compile and shares matchers by their source and value: a
 * large policy repeats the same glob or regex in thousands of bindings, and each compiled RE2/J
 * program costs time and over a kilobyte of heap. Matchers and RE2/J patterns are immutable and
 * safe to share across threads (a pattern keeps a pool of matching machines). The caches die with
 * the compile, so a reload never keeps patterns that left the policy. Thread-safe: bindings
 * compile in parallel.
 */
final class MatcherCompiler {

    private final Map<String, Matcher.Glob> globs = new ConcurrentHashMap<>();
    private final Map<String, Matcher.Regex> regexes = new ConcurrentHashMap<>();
    /**
     * Every condition's matcher once: bindings repeat the same conditions ({@code refs/heads/main},
     * {@code [production, staging]}) thousands of times, and matchers are records, equal by value.
     */
    private final Map<Matcher, Matcher> shared = new ConcurrentHashMap<>();

    Optional<Matcher> compile(String claim, Node node, Problems problems) {
        return compile(claim, node, problems, true).map(matcher -> shared.computeIfAbsent(matcher, m -> m));
    }

    private Optional<Matcher> compile(String claim, Node node, Problems problems, boolean listAllowed) {
        if (node instanceof Node.Scalar scalar) {
            return exact(claim, scalar, problems);
        }
        if (node instanceof Node.Sequence list) {
            if (!listAllowed) {
                problems.error(node.location(), "match." + claim + ": a list cannot contain another list");
                return Optional.empty();
            }
            return anyOf(claim, list, problems);
        }
        return operator(claim, (Node.Mapping) node, problems);
    }

    private static Optional<Matcher> exact(String claim, Node.Scalar scalar, Problems problems) {
        if (scalar.type() == Node.Scalar.ScalarType.NULL) {
            problems.error(scalar.location(), "match." + claim + ": null never matches; write a value, a list, or {not: ...}");
            return Optional.empty();
        }
        if (scalar.type() == Node.Scalar.ScalarType.FLOAT) {
            // 1.10 would compare as "1.1": a decimal in a condition is almost always a version string.
            problems.error(scalar.location(), "match." + claim + ": quote decimal values (\"" + scalar.text()
                    + "\"), unquoted they are numbers and compare by value");
            return Optional.empty();
        }
        if (scalar.text().isEmpty()) {
            problems.error(scalar.location(), "match." + claim + ": an empty string is not a condition");
            return Optional.empty();
        }
        // Booleans and numbers compare as the strings they print as: true -> "true", 42 -> "42".
        Object value = scalar.toJava();
        return Optional.of(new Matcher.Exact(dev.keyway.spi.ClaimValue.of(value).scalar().orElse(scalar.text())));
    }

    private Optional<Matcher> anyOf(String claim, Node.Sequence list, Problems problems) {
        if (list.items().isEmpty()) {
            problems.error(list.location(), "match." + claim + ": an empty list never matches");
            return Optional.empty();
        }
        Set<String> exact = new HashSet<>();
        List<Matcher> others = new ArrayList<>();
        boolean ok = true;
        for (Node item : list.items()) {
            Optional<Matcher> matcher = compile(claim, item, problems, false);
            if (matcher.isEmpty()) {
                ok = false;
            } else if (matcher.get() instanceof Matcher.Exact e) {
                exact.add(e.value());
            } else {
                others.add(matcher.get());
            }
        }
        return ok ? Optional.of(new Matcher.AnyOf(exact, others)) : Optional.empty();
    }

    private Optional<Matcher> operator(String claim, Node.Mapping mapping, Problems problems) {
        if (mapping.entries().size() != 1) {
            problems.error(mapping.location(), "match." + claim
                    + ": write exactly one of {glob: ...}, {regex: ...}, {not: ...}, not " + mapping.entries().keySet());
            return Optional.empty();
        }
        var entry = mapping.entries().entrySet().iterator().next();
        String op = entry.getKey();
        Node value = entry.getValue();
        switch (op) {
            case "not": {
                return compile(claim, value, problems, true).map(Matcher.Not::new);
            }
            case "glob":
            case "regex": {
                if (!(value instanceof Node.Scalar s) || s.type() != Node.Scalar.ScalarType.STRING || s.text().isEmpty()) {
                    problems.error(value.location(), "match." + claim + ": " + op + " takes a non-empty string, not " + value.kind());
                    return Optional.empty();
                }
                return op.equals("glob") ? Optional.of(glob(s.text())) : regex(claim, s, problems);
            }
            default: {
                problems.error(mapping.keyLocation(op), "match." + claim + ": unknown operator '" + op
                        + "' (use glob, regex or not)");
                return Optional.empty();
            }
        }
    }

    private Matcher glob(String glob) {
        return globs.computeIfAbsent(glob, g -> new Matcher.Glob(g, Globs.compile(g)));
    }

    private Optional<Matcher> regex(String claim, Node.Scalar s, Problems problems) {
        try {
            // An invalid regex throws out of computeIfAbsent and is not cached: each use reports its own line.
            return Optional.of(regexes.computeIfAbsent(s.text(), r -> new Matcher.Regex(r, Pattern.compile(r))));
        } catch (PatternSyntaxException e) {
            problems.error(s.location(), "match." + claim + ": invalid regex: " + e.getDescription());
            return Optional.empty();
        }
    }
}
