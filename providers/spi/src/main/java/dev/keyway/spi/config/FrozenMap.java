package dev.keyway.spi.config;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;

/**
 * An immutable map that keeps insertion order in one plain array: the shape of a YAML mapping. A
 * large policy holds hundreds of thousands of mappings of a few keys each while it compiles; as
 * LinkedHashMaps they were several times this size, and many more objects for the collector to
 * copy. Entries sit in rows of the table: the key first, then the value at {@code column}. A
 * {@link Node.Mapping}'s entries and key locations are two maps over one table of rows
 * (key, node, key location) and share its index ({@link Node.Mapping.Builder}). Small maps are
 * scanned; larger ones get an open-addressing index. Keys and values are never null. Providers
 * use it for what a compiled grant keeps per binding in policy order.
 */
public final class FrozenMap<V> extends AbstractMap<String, V> {

    /** Up to this many keys a scan of the keys beats hashing. */
    private static final int SCAN_LIMIT = 8;

    private final Object[] table;
    /** Bytes, not ints: two of these per YAML mapping, so each field's size counts. */
    private final byte rowLength;
    private final byte column;
    /** Slot to row + 1 (0 = empty), or null for a small map. */
    private final int[] index;

    private FrozenMap(Object[] table, int rowLength, int column, int[] index) {
        this.table = table;
        this.rowLength = (byte) rowLength;
        this.column = (byte) column;
        this.index = index;
    }

    /** {@code map} itself when it is already frozen, else an ordered copy. */
    @SuppressWarnings("unchecked")
    public static <V> FrozenMap<V> copyOf(Map<String, ? extends V> map) {
        if (map instanceof FrozenMap<?> frozen) {
            return (FrozenMap<V>) frozen;
        }
        Object[] entries = map.entrySet().toArray();
        Object[] table = new Object[entries.length * 2];
        for (int i = 0; i < entries.length; i++) {
            Map.Entry<String, ? extends V> entry = (Map.Entry<String, ? extends V>) entries[i];
            table[2 * i] = Objects.requireNonNull(entry.getKey(), "key");
            table[2 * i + 1] = Objects.requireNonNull(entry.getValue(), "value");
        }
        return new FrozenMap<>(table, 2, 1, index(table, 2));
    }

    /**
     * The maps over rows of {@code rowLength} (a distinct non-null String key, then non-null
     * values), one per value column. The table must not be changed afterwards.
     */
    static List<FrozenMap<?>> columns(Object[] table, int rowLength) {
        int[] index = index(table, rowLength);
        List<FrozenMap<?>> maps = new ArrayList<>(rowLength - 1);
        for (int column = 1; column < rowLength; column++) {
            maps.add(new FrozenMap<>(table, rowLength, column, index));
        }
        return maps;
    }

    private static int[] index(Object[] table, int rowLength) {
        int size = table.length / rowLength;
        if (size <= SCAN_LIMIT) {
            return null;
        }
        int[] index = new int[Integer.highestOneBit(size) << 2];
        for (int row = 0; row < size; row++) {
            int slot = slot(table[row * rowLength], index.length);
            while (index[slot] != 0) {
                slot = (slot + 1) & (index.length - 1);
            }
            index[slot] = row + 1;
        }
        return index;
    }

    private static int slot(Object key, int length) {
        int h = key.hashCode();
        return (h ^ (h >>> 16)) & (length - 1);
    }

    /** The row holding {@code key}, or -1. */
    int row(Object key) {
        if (key == null) {
            return -1;
        }
        if (index == null) {
            for (int row = 0; row < table.length / rowLength; row++) {
                if (key(row).equals(key)) {
                    return row;
                }
            }
            return -1;
        }
        for (int slot = slot(key, index.length); index[slot] != 0; slot = (slot + 1) & (index.length - 1)) {
            if (key(index[slot] - 1).equals(key)) {
                return index[slot] - 1;
            }
        }
        return -1;
    }

    String key(int row) {
        return (String) table[row * rowLength];
    }

    @SuppressWarnings("unchecked")
    V value(int row) {
        return (V) table[row * rowLength + column];
    }

    @Override
    public int size() {
        return table.length / rowLength;
    }

    @Override
    public boolean containsKey(Object key) {
        return row(key) >= 0;
    }

    @Override
    public V get(Object key) {
        int row = row(key);
        return row < 0 ? null : value(row);
    }

    @Override
    public void forEach(BiConsumer<? super String, ? super V> action) {
        for (int row = 0; row < size(); row++) {
            action.accept(key(row), value(row));
        }
    }

    @Override
    public Set<String> keySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<String> iterator() {
                return new Rows<>(FrozenMap.this::key);
            }

            @Override
            public int size() {
                return FrozenMap.this.size();
            }

            @Override
            public boolean contains(Object key) {
                return containsKey(key);
            }
        };
    }

    @Override
    public Set<Map.Entry<String, V>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Map.Entry<String, V>> iterator() {
                return new Rows<>(row -> new SimpleImmutableEntry<>(key(row), value(row)));
            }

            @Override
            public int size() {
                return FrozenMap.this.size();
            }
        };
    }

    /** Walks the rows in order; read-only. */
    private final class Rows<T> implements Iterator<T> {
        private final IntFunction<T> at;
        private int next;

        Rows(IntFunction<T> at) {
            this.at = at;
        }

        @Override
        public boolean hasNext() {
            return next < size();
        }

        @Override
        public T next() {
            if (next >= size()) {
                throw new NoSuchElementException();
            }
            return at.apply(next++);
        }
    }
}
