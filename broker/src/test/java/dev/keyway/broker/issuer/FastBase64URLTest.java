package dev.keyway.broker.issuer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.nimbusds.jose.util.Base64URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast decoder must decode exactly what Nimbus's decoder does, to the same bytes. */
class FastBase64URLTest {

    @Test
    void canonicalPartsOfEveryLengthDecodeAsNimbusDoes() {
        Random random = new Random(42);
        for (int length = 0; length < 600; length++) {
            byte[] bytes = new byte[length];
            random.nextBytes(bytes);
            String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
            assertArrayEquals(bytes, new FastBase64URL(encoded).decode());
            assertArrayEquals(new Base64URL(encoded).decode(), new FastBase64URL(encoded).decode());
        }
    }

    @Test
    void partsTheJdkRefusesFallBackToNimbusUnchanged() {
        String[] odd = {
            "eyJhbGciOiJSUzI1NiJ9==",       // padded
            "eyJhbGciOi JSUzI1NiJ9",        // a space inside
            "ab==cd",                       // padding in the middle
            "eyJ+bGci/2",                   // the standard alphabet, not the URL one
            "a",                            // a length no encoder produces
            "€€€",                          // not base64 at all
        };
        for (String part : odd) {
            assertArrayEquals(new Base64URL(part).decode(), new FastBase64URL(part).decode(), part);
        }
    }

    @Test
    void decodingToTextUsesTheFastPath() {
        String json = "{\"iss\":\"https://token.actions.githubusercontent.com\",\"sub\":\"repo:octo/app:ref:refs/heads/main\"}";
        String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
        assertEquals(json, new FastBase64URL(encoded).decodeToString());
    }
}
