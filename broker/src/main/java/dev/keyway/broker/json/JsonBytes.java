package dev.keyway.broker.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.Map;

/**
 * UTF-8 JSON written through Jackson's streaming generator. An exchange writes three documents
 * (the token's claims, the answer, the audit line); through {@code ObjectMapper} they took 4.8% of
 * the broker's CPU at saturation, most of it finding a serializer for each value of each map. The
 * output is the same bytes {@code ObjectMapper.writeValueAsBytes} gives (JsonBytesTest): maps in
 * iteration order, nulls kept, and any value that is not a string, number, boolean, map or
 * collection handed to {@code ObjectMapper}.
 */
public final class JsonBytes {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonFactory FACTORY = MAPPER.getFactory();

    /** Writes one document. */
    @FunctionalInterface
    public interface Document {
        void write(JsonGenerator out) throws IOException;
    }

    private JsonBytes() {
    }

    public static byte[] of(Document document) {
        try (ByteArrayBuilder bytes = new ByteArrayBuilder(FACTORY._getBufferRecycler())) {
            try (JsonGenerator out = FACTORY.createGenerator(bytes)) {
                document.write(out);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            // Only a value handed to ObjectMapper can fail (it cannot be serialized); the bytes are in memory.
            throw new UncheckedIOException(e);
        }
    }

    /** {@code map} as a JSON object. */
    public static byte[] of(Map<String, ?> map) {
        return of(out -> value(out, map));
    }

    /** {@code value} as JSON, as {@code ObjectMapper} would write it. */
    public static void value(JsonGenerator out, Object value) throws IOException {
        if (value instanceof String text) {
            out.writeString(text);
        } else if (value instanceof Map<?, ?> map) {
            out.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                out.writeFieldName(String.valueOf(entry.getKey()));
                value(out, entry.getValue());
            }
            out.writeEndObject();
        } else if (value instanceof Collection<?> items) {
            out.writeStartArray();
            for (Object item : items) {
                value(out, item);
            }
            out.writeEndArray();
        } else if (value == null) {
            out.writeNull();
        } else if (value instanceof Long number) {
            out.writeNumber(number);
        } else if (value instanceof Integer number) {
            out.writeNumber(number);
        } else if (value instanceof Boolean bool) {
            out.writeBoolean(bool);
        } else {
            MAPPER.writeValue(out, value);
        }
    }

    /** A field whose value is left out when null, as {@code @JsonInclude(NON_NULL)} does. */
    public static void fieldIfPresent(JsonGenerator out, String name, Object value) throws IOException {
        if (value != null) {
            out.writeFieldName(name);
            value(out, value);
        }
    }
}
