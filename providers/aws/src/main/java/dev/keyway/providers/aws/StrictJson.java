package dev.keyway.providers.aws;

import java.util.HashSet;
import java.util.Set;

/**
 * Checks that a session policy is one strict JSON object (RFC 8259: no comments, no single quotes,
 * no trailing content, no duplicate keys, which IAM would resolve silently) and returns it without
 * insignificant whitespace, since STS counts every character of {@code Policy} against its limit.
 * Hand-written so policy loading needs no JSON library and reports the offending position.
 */
final class StrictJson {

    /** The compact text and the top-level keys, for the checks IAM makes on a policy document. */
    record Checked(String compact, Set<String> topLevelKeys) {
    }

    static final class Invalid extends Exception {
        Invalid(String message) {
            super(message);
        }
    }

    private final String text;
    private final StringBuilder out = new StringBuilder();
    private int pos;

    private StrictJson(String text) {
        this.text = text;
    }

    static Checked object(String text) throws Invalid {
        StrictJson json = new StrictJson(text);
        json.skipSpace();
        if (json.peek() != '{') {
            throw json.fail("a policy document must be a JSON object");
        }
        Set<String> keys = json.object();
        json.skipSpace();
        if (json.pos < text.length()) {
            throw json.fail("unexpected content after the JSON object");
        }
        return new Checked(json.out.toString(), keys);
    }

    private Set<String> object() throws Invalid {
        expect('{');
        Set<String> keys = new HashSet<>();
        skipSpace();
        if (peek() == '}') {
            expect('}');
            return keys;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw fail("expected a quoted member name");
            }
            int at = pos;
            String key = string();
            if (!keys.add(key)) {
                pos = at;
                throw fail("duplicate member \"" + key + "\"");
            }
            skipSpace();
            expect(':');
            value();
            skipSpace();
            if (peek() == ',') {
                expect(',');
                continue;
            }
            expect('}');
            return keys;
        }
    }

    private void array() throws Invalid {
        expect('[');
        skipSpace();
        if (peek() == ']') {
            expect(']');
            return;
        }
        while (true) {
            value();
            skipSpace();
            if (peek() == ',') {
                expect(',');
                continue;
            }
            expect(']');
            return;
        }
    }

    private void value() throws Invalid {
        skipSpace();
        char c = peek();
        switch (c) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> string();
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    number();
                } else {
                    throw fail(pos >= text.length() ? "unexpected end of the document" : "unexpected character '" + c + "'");
                }
            }
        }
    }

    private String string() throws Invalid {
        expect('"');
        StringBuilder value = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw fail("unterminated string");
            }
            char c = text.charAt(pos++);
            out.append(c);
            if (c == '"') {
                return value.toString();
            }
            if (c < 0x20) {
                pos--;
                throw fail("control character in a string (escape it)");
            }
            if (c == '\\') {
                if (pos >= text.length()) {
                    throw fail("unterminated string");
                }
                char e = text.charAt(pos++);
                out.append(e);
                switch (e) {
                    case '"', '\\', '/' -> value.append(e);
                    case 'b', 'f', 'n', 'r', 't' -> value.append(' ');
                    case 'u' -> {
                        if (pos + 4 > text.length() || !text.substring(pos, pos + 4).matches("[0-9a-fA-F]{4}")) {
                            throw fail("bad \\u escape");
                        }
                        value.append((char) Integer.parseInt(text.substring(pos, pos + 4), 16));
                        out.append(text, pos, pos + 4);
                        pos += 4;
                    }
                    default -> {
                        pos--;
                        throw fail("bad escape '\\" + e + "'");
                    }
                }
            } else {
                value.append(c);
            }
        }
    }

    private void number() throws Invalid {
        int start = pos;
        if (peek() == '-') {
            pos++;
        }
        if (peek() == '0') {
            pos++;
        } else {
            digits();
        }
        if (peek() == '.') {
            pos++;
            digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            digits();
        }
        out.append(text, start, pos);
    }

    private void digits() throws Invalid {
        int start = pos;
        while (peek() >= '0' && peek() <= '9') {
            pos++;
        }
        if (pos == start) {
            throw fail("malformed number");
        }
    }

    private void literal(String word) throws Invalid {
        if (!text.startsWith(word, pos)) {
            throw fail("unexpected character '" + peek() + "'");
        }
        pos += word.length();
        out.append(word);
    }

    private void expect(char c) throws Invalid {
        if (peek() != c) {
            throw fail(pos >= text.length() ? "unexpected end of the document, expected '" + c + "'"
                    : "expected '" + c + "' but found '" + peek() + "'");
        }
        pos++;
        out.append(c);
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpace() {
        while (pos < text.length() && " \t\n\r".indexOf(text.charAt(pos)) >= 0) {
            pos++;
        }
    }

    /** Line and column, 1-based, within the policy text: what an editor shows. */
    private Invalid fail(String message) {
        int line = 1;
        int column = 1;
        for (int i = 0; i < Math.min(pos, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
        }
        return new Invalid(message + " at line " + line + ", column " + column + " of the policy");
    }
}
