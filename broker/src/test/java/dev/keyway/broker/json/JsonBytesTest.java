package dev.keyway.broker.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keyway.spi.config.FrozenMap;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** ObjectMapper is the reference: the streaming writer must give the bytes it gave, for any value. */
class JsonBytesTest {

    private static final ObjectMapper REFERENCE = new ObjectMapper();

    @Test
    void randomDocumentsGiveObjectMappersBytes() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            Map<String, Object> document = map(random, 0);
            assertArrayEquals(REFERENCE.writeValueAsBytes(document), JsonBytes.of(document), () -> "document " + document);
        }
    }

    @Test
    void stringsThatNeedEscapingAreEscapedAsObjectMapperDoes() throws Exception {
        List<String> hard = List.of("\"", "\\", "/", "</script>", "\u0000\u0001\u001f\u007f", "\t\n\r\b\f", "\u2028\u2029",
                "é中🙂", "\ud800", "\udc00x", "a\ud83d", "");
        for (String text : hard) {
            Map<String, Object> document = Map.of(text, text);
            assertArrayEquals(REFERENCE.writeValueAsBytes(document), JsonBytes.of(document), () -> "text " + Arrays.toString(text.toCharArray()));
        }
    }

    @Test
    void otherValuesGoThroughObjectMapper() throws Exception {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("decimal", new BigDecimal("1.50"));
        document.put("big", new BigInteger("123456789012345678901234567890"));
        document.put("double", 0.1);
        document.put("float", 2.5f);
        document.put("short", (short) 7);
        document.put("uuid", java.util.UUID.fromString("123e4567-e89b-12d3-a456-426614174000"));
        document.put("set", new TreeSet<>(Set.of("b", "a")));
        document.put("array", new String[] {"x", "y"});
        document.put("frozen", FrozenMap.copyOf(Map.of("k", "v")));
        document.put("record", new Pair("left", 2));
        assertArrayEquals(REFERENCE.writeValueAsBytes(document), JsonBytes.of(document));
    }

    @Test
    void aValueObjectMapperCannotWriteFailsWithoutBytes() {
        Map<String, Object> document = Map.of("thread", new Object());
        assertThrows(UncheckedIOException.class, () -> JsonBytes.of(document));
    }

    @Test
    void fieldIfPresentLeavesNullsOut() {
        byte[] json = JsonBytes.of(out -> {
            out.writeStartObject();
            JsonBytes.fieldIfPresent(out, "a", null);
            JsonBytes.fieldIfPresent(out, "b", List.of(1));
            out.writeEndObject();
        });
        assertEquals("{\"b\":[1]}", new String(json, StandardCharsets.UTF_8));
    }

    record Pair(String left, int right) {
    }

    private static Map<String, Object> map(Random random, int depth) {
        Map<String, Object> map = new LinkedHashMap<>();
        int size = random.nextInt(6);
        for (int i = 0; i < size; i++) {
            map.put(text(random), value(random, depth + 1));
        }
        return map;
    }

    private static Object value(Random random, int depth) {
        int kind = random.nextInt(depth > 3 ? 6 : 8);
        return switch (kind) {
            case 0 -> text(random);
            case 1 -> random.nextLong();
            case 2 -> random.nextInt();
            case 3 -> random.nextBoolean();
            case 4 -> null;
            case 5 -> random.nextDouble() * 1e6;
            case 6 -> map(random, depth);
            default -> {
                List<Object> list = new ArrayList<>();
                int size = random.nextInt(4);
                for (int i = 0; i < size; i++) {
                    list.add(value(random, depth + 1));
                }
                yield list;
            }
        };
    }

    private static String text(Random random) {
        StringBuilder text = new StringBuilder();
        int length = random.nextInt(12);
        for (int i = 0; i < length; i++) {
            text.append(switch (random.nextInt(5)) {
                case 0 -> (char) random.nextInt(0x20);
                case 1 -> (char) (0x20 + random.nextInt(0x60));
                case 2 -> (char) random.nextInt(0x10000);
                case 3 -> "🙂";
                default -> (char) ('a' + random.nextInt(26));
            });
        }
        return text.toString();
    }
}
