package dev.keyway.broker.policy;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One compiled condition value. Matching is pure and allocation-free: every pattern was compiled
 * when policy loaded. A matcher only ever sees a scalar claim; missing and structured claims are
 * refused before it is asked.
 */
public sealed interface Matcher {

    boolean matches(String value);

    /** The values this matcher names literally and positively (exact or list items), for guards and lint. */
    Set<String> literals();

    /** The matcher as policy wrote it, for {@code explain: full} and lint messages. */
    String describe();

    /** {@code literals}: the value as a set, made once: matchers are shared, and every binding using one asks. */
    record Exact(String value, Set<String> literals) implements Matcher {
        Exact(String value) {
            this(value, Set.of(value));
        }

        @Override
        public boolean matches(String actual) {
            return value.equals(actual);
        }

        @Override
        public String describe() {
            return value;
        }
    }

    /** A list: any item matches. Exact items are one hash lookup however long the list is. */
    record AnyOf(Set<String> exact, List<Matcher> others) implements Matcher {
        public AnyOf {
            exact = Set.copyOf(exact);
            others = List.copyOf(others);
        }

        @Override
        public boolean matches(String actual) {
            if (exact.contains(actual)) {
                return true;
            }
            for (Matcher other : others) {
                if (other.matches(actual)) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public Set<String> literals() {
            return exact;
        }

        @Override
        public String describe() {
            return "[" + exact.stream().sorted().collect(Collectors.joining(", "))
                    + (others.isEmpty() || exact.isEmpty() ? "" : ", ")
                    + others.stream().map(Matcher::describe).collect(Collectors.joining(", ")) + "]";
        }
    }

    /** A glob compiled to an RE2/J pattern; {@link Globs} defines the syntax. */
    record Glob(String glob, Pattern pattern) implements Matcher {
        @Override
        public boolean matches(String actual) {
            return pattern.matches(actual);
        }

        @Override
        public Set<String> literals() {
            return Set.of();
        }

        @Override
        public String describe() {
            return "{glob: " + glob + "}";
        }
    }

    /** RE2/J: linear time whatever the input; {@code matches} anchors at both ends of the whole value. */
    record Regex(String regex, Pattern pattern) implements Matcher {
        @Override
        public boolean matches(String actual) {
            return pattern.matches(actual);
        }

        @Override
        public Set<String> literals() {
            return Set.of();
        }

        @Override
        public String describe() {
            return "{regex: " + regex + "}";
        }
    }

    record Not(Matcher inner) implements Matcher {
        @Override
        public boolean matches(String actual) {
            return !inner.matches(actual);
        }

        @Override
        public Set<String> literals() {
            return Set.of();
        }

        @Override
        public String describe() {
            return "{not: " + inner.describe() + "}";
        }
    }
}
