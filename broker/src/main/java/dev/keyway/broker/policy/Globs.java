package dev.keyway.broker.policy;

import com.google.re2j.Pattern;

/**
 * Glob syntax for claim values, compiled to RE2/J: {@code *} any run of characters within one
 * {@code /}-separated segment, {@code **} any run across segments, {@code ?} exactly one
 * character other than {@code /}. Everything else is literal, so a claim value like
 * {@code refs/tags/v1.2} needs no escaping.
 */
final class Globs {

    private Globs() {
    }

    static Pattern compile(String glob) {
        return Pattern.compile(toRegex(glob), Pattern.DOTALL);
    }

    static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*' || c == '?') {
                flush(literal, regex);
                if (c == '?') {
                    regex.append("[^/]");
                    i++;
                } else if (i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                    regex.append(".*");
                    i += 2;
                } else {
                    regex.append("[^/]*");
                    i++;
                }
            } else {
                literal.append(c);
                i++;
            }
        }
        flush(literal, regex);
        return regex.toString();
    }

    /** The text before the first wildcard: what a glob pins down for certain. */
    static String literalPrefix(String glob) {
        int star = glob.indexOf('*');
        int question = glob.indexOf('?');
        int end = star < 0 ? question : question < 0 ? star : Math.min(star, question);
        return end < 0 ? glob : glob.substring(0, end);
    }

    private static void flush(StringBuilder literal, StringBuilder regex) {
        if (literal.length() > 0) {
            regex.append(Pattern.quote(literal.toString()));
            literal.setLength(0);
        }
    }
}
