package dev.keyway.spi.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.keyway.spi.config.Node.Scalar.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Node.Mapping keeps document order, stays immutable, and finds keys in small and large mappings alike. */
class NodeMappingTest {

    private static final Location AT = new Location("t.yaml", 1);

    private static Node scalar(int i) {
        return new Node.Scalar("v" + i, ScalarType.STRING, new Location("t.yaml", i));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 3, 8, 9, 16, 17, 100})
    void builderKeepsDocumentOrderAndFindsEveryKey(int size) {
        Node.Mapping.Builder builder = new Node.Mapping.Builder(2);
        Map<String, Node> expected = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
            String key = "key-" + (size - i); // not in sorted or hash order
            builder.put(key, new Location("t.yaml", 100 + i), scalar(i));
            expected.put(key, scalar(i));
        }
        Node.Mapping mapping = builder.build(AT);

        assertEquals(expected, mapping.entries());
        assertEquals(new ArrayList<>(expected.keySet()), new ArrayList<>(mapping.entries().keySet()));
        assertEquals(expected.hashCode(), mapping.entries().hashCode());
        assertEquals(expected.toString(), mapping.entries().toString());
        int i = 0;
        for (String key : expected.keySet()) {
            assertTrue(mapping.entries().containsKey(key));
            assertEquals(scalar(i), mapping.entries().get(key));
            assertEquals(new Location("t.yaml", 100 + i), mapping.keyLocation(key));
            i++;
        }
        assertNull(mapping.entries().get("missing"));
        assertFalse(mapping.entries().containsKey(null));
        assertSame(AT, mapping.keyLocation("missing"));
    }

    @Test
    void builderRefusesADuplicateKeyAndTellsWhereTheFirstWas() {
        Node.Mapping.Builder builder = new Node.Mapping.Builder(1);
        builder.put("a", new Location("t.yaml", 3), scalar(1));
        assertEquals(new Location("t.yaml", 3), builder.keyLocation("a"));
        assertNull(builder.keyLocation("b"));
        assertThrows(IllegalArgumentException.class, () -> builder.put("a", AT, scalar(2)));
    }

    @Test
    void largeBuilderStillFindsDuplicates() {
        Node.Mapping.Builder builder = new Node.Mapping.Builder(0);
        for (int i = 0; i < 40; i++) {
            builder.put("k" + i, AT, scalar(i));
        }
        assertEquals(AT, builder.keyLocation("k3"));
        assertThrows(IllegalArgumentException.class, () -> builder.put("k39", AT, scalar(0)));
    }

    @Test
    void mappingsAreImmutable() {
        Node.Mapping built = new Node.Mapping.Builder(1).put("a", AT, scalar(1)).build(AT);
        assertThrows(UnsupportedOperationException.class, () -> built.entries().put("b", scalar(2)));
        assertThrows(UnsupportedOperationException.class, () -> built.entries().remove("a"));
        assertThrows(UnsupportedOperationException.class, () -> built.keyLocations().clear());
        assertThrows(UnsupportedOperationException.class, () -> built.entries().entrySet().iterator().next().setValue(scalar(3)));
        assertThrows(UnsupportedOperationException.class, () -> built.entries().keySet().remove("a"));
    }

    @Test
    void theConstructorCopiesMapsItDoesNotOwn() {
        Map<String, Node> entries = new LinkedHashMap<>();
        entries.put("b", scalar(1));
        entries.put("a", scalar(2));
        Map<String, Location> lines = new HashMap<>(Map.of("a", AT));
        Node.Mapping mapping = new Node.Mapping(entries, lines, AT);
        entries.put("c", scalar(3));
        lines.clear();

        assertEquals(List.of("b", "a"), new ArrayList<>(mapping.entries().keySet()));
        assertEquals(AT, mapping.keyLocations().get("a"));
        assertEquals(mapping, new Node.Mapping(mapping.entries(), mapping.keyLocations(), AT));
        assertSame(mapping.entries(), new Node.Mapping(mapping.entries(), Map.of(), AT).entries());
    }

    @Test
    void nullsAreRefused() {
        Map<String, Node> withNull = new HashMap<>();
        withNull.put("a", null);
        assertThrows(NullPointerException.class, () -> new Node.Mapping(withNull, Map.of(), AT));
        assertThrows(NullPointerException.class, () -> new Node.Mapping.Builder(1).put("a", AT, null));
    }
}
