package dev.keyway.broker.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Document names are checked by hand on every document; the regex they follow is the reference. */
class DocumentNamesTest {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");

    @Test
    void acceptsExactlyWhatTheRegexAccepts() {
        Random random = new Random(7);
        String alphabet = "az09-.A_ /é";
        for (int i = 0; i < 200_000; i++) {
            StringBuilder name = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                name.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertEquals(NAME.matcher(name).matches(), PolicyCompiler.isName(name.toString()), name.toString());
        }
        for (int length : new int[] {252, 253, 254, 300}) {
            String name = "a".repeat(length);
            assertEquals(NAME.matcher(name).matches(), PolicyCompiler.isName(name), "length " + length);
        }
    }
}
