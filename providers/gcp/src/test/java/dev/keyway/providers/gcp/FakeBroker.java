package dev.keyway.providers.gcp;

import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import dev.keyway.spi.BrokerContext;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-written broker: "signs" by serializing the claims into a JWT-shaped string (the provider
 * never verifies it; Google would), and records what it was asked to sign.
 */
final class FakeBroker implements BrokerContext {

    private static final Gson GSON = new Gson();
    final List<Map<String, Object>> signed = new ArrayList<>();

    @Override
    public String publicUrl() {
        return "https://keyway.test";
    }

    @Override
    public String signJwt(Map<String, Object> claims) {
        signed.add(new LinkedHashMap<>(claims));
        return part("{\"alg\":\"ES256\",\"kid\":\"test\",\"typ\":\"JWT\"}") + "." + part(GSON.toJson(claims)) + "."
                + part("stand-in signature " + signed.size());
    }

    /** The payload of a JWT, decoded. */
    static Map<String, Object> payload(String jwt) {
        String[] parts = jwt.split("\\.");
        if (parts.length != 3) {
            throw new AssertionError("not a compact JWT (" + parts.length + " parts)");
        }
        return GSON.fromJson(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8),
                new TypeToken<Map<String, Object>>() { }.getType());
    }

    private static String part(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
