package dev.keyway.broker.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.keyway.broker.exchange.Exchanged;
import dev.keyway.broker.exchange.Format;
import dev.keyway.spi.IssuedCredential;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An azure credential, shaped as providers/azure mints it (its tests pin that shape), in the
 * response formats CONTRACT §4 names for it.
 */
class AzureRenderingTest {

    private static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2ln";

    private static Exchanged exchanged(Format format) {
        Map<String, Object> credentials = new LinkedHashMap<>();
        credentials.put("accessToken", ACCESS_TOKEN);
        credentials.put("tokenType", "Bearer");
        credentials.put("tenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        credentials.put("clientId", "0b5f4a2c-7d4e-4f3a-9c1b-6a8d2e3f4b5c");
        IssuedCredential credential = new IssuedCredential("azure", Instant.parse("2026-11-22T11:29:59.400Z"), credentials,
                "3f1f6a52-8e9b-4b7c-a4d2-0e6b1c9f7a11");
        return new Exchanged("azure-deploy", "azure", credential, "req-7", format);
    }

    @Test
    void jsonCarriesTheFourAzureFields() throws Exception {
        Rendering.Rendered rendered = Rendering.render(exchanged(Format.JSON));
        assertEquals("application/json", rendered.contentType());
        JsonNode body = TestBroker.JSON.readTree(rendered.body());
        assertEquals("azure", body.get("type").asText());
        assertEquals("2026-11-22T11:29:59Z", body.get("expiresAt").asText());
        List<String> fields = new java.util.ArrayList<>();
        body.get("credentials").fieldNames().forEachRemaining(fields::add);
        assertEquals(List.of("accessToken", "tokenType", "tenantId", "clientId"), fields);
        assertEquals(ACCESS_TOKEN, body.get("credentials").get("accessToken").asText());
        assertEquals("Bearer", body.get("credentials").get("tokenType").asText());
    }

    @Test
    void envGivesAzureAccessTokenAndKeywayPrefixedRest() throws Exception {
        Rendering.Rendered rendered = Rendering.render(exchanged(Format.ENV));
        assertEquals(List.of(
                "AZURE_ACCESS_TOKEN=" + ACCESS_TOKEN,
                "KEYWAY_TOKEN_TYPE=Bearer",
                "KEYWAY_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47",
                "KEYWAY_CLIENT_ID=0b5f4a2c-7d4e-4f3a-9c1b-6a8d2e3f4b5c",
                "KEYWAY_EXPIRES_AT=2026-11-22T11:29:59Z"), new String(rendered.body(), java.nio.charset.StandardCharsets.UTF_8).lines().toList());
    }
}
