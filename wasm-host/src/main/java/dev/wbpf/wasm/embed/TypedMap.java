package dev.wbpf.wasm.embed;

import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.btf.Btf;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A BPF map with Java keys and values. The codecs are checked against the map when it is opened
 * (sizes, and BTF layouts for record codecs), so a mismatch fails there, not at the first lookup.
 * A per-CPU map is opened with {@link #perCpu}: its values are lists with one element per
 * possible CPU, the way per-CPU counters are read (and summed) in user space.
 */
public final class TypedMap<K, V> {
    private static final long BPF_ANY = 0;
    private static final long BPF_NOEXIST = 1;
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;
    private final Runnable ensureOpen;

    private TypedMap(BpfMap map, Codec<K> keys, Codec<V> values, Runnable ensureOpen) {
        this.map = map;
        this.keys = keys;
        this.values = values;
        this.ensureOpen = ensureOpen;
    }

    /**
     * A map with the given key and value codecs, without BTF (record codecs need
     * {@link LoadedObject#map(String, Codec, Codec)}).
     *
     * @throws IllegalArgumentException if the codecs' sizes are not the map's, or the map is per-CPU
     */
    public static <K, V> TypedMap<K, V> of(BpfMap map, Codec<K> keys, Codec<V> values) {
        return of(map, null, 0, 0, keys, values, () -> { });
    }

    /** A per-CPU map, without BTF: values are lists of one {@code V} per possible CPU. */
    public static <K, V> TypedMap<K, List<V>> perCpu(BpfMap map, Codec<K> keys, Codec<V> values) {
        return perCpu(map, null, 0, 0, keys, values, () -> { });
    }

    static <K, V> TypedMap<K, V> of(BpfMap map, Btf btf, int keyType, int valueType, Codec<K> keys, Codec<V> values,
                                    Runnable ensureOpen) {
        if (map.type().isPerCpu()) {
            throw new IllegalArgumentException("map `" + map.name() + "` is a " + map.type()
                    + " map with one value per CPU: open it with perCpuMap(...) to get a list of values per key");
        }
        return new TypedMap<>(map, bindKey(map, btf, keyType, keys),
                values.bind(btf, valueType, map.valueSize(), "the value of map `" + map.name() + "`"), ensureOpen);
    }

    static <K, V> TypedMap<K, List<V>> perCpu(BpfMap map, Btf btf, int keyType, int valueType, Codec<K> keys, Codec<V> values,
                                              Runnable ensureOpen) {
        if (!map.type().isPerCpu()) {
            throw new IllegalArgumentException("map `" + map.name() + "` is a " + map.type()
                    + " map with one value per key, not per CPU: open it with map(...)");
        }
        Codec<V> each = values.bind(btf, valueType, map.valueSize(), "the value of map `" + map.name() + "`");
        int cpus = map.valueBufferSize() / ((map.valueSize() + 7) & ~7);
        return new TypedMap<>(map, bindKey(map, btf, keyType, keys), new PerCpuCodec<>(each, cpus), ensureOpen);
    }

    private static <K> Codec<K> bindKey(BpfMap map, Btf btf, int keyType, Codec<K> keys) {
        return keys.bind(btf, keyType, map.keySize(), "the key of map `" + map.name() + "`");
    }

    public String name() {
        return map.name();
    }

    /** The untyped map, for what this class does not offer. */
    public BpfMap map() {
        return map;
    }

    public Optional<V> get(K key) {
        ByteBuffer value = buffer(values.size());
        return map.lookup(encodeKey(key), value.array()) ? Optional.of(values.decode(value, 0)) : Optional.empty();
    }

    /** Creates or replaces (BPF_ANY). */
    public void put(K key, V value) {
        map.update(encodeKey(key), encodeValue(value), BPF_ANY);
    }

    /** Creates the entry only if the key is absent (BPF_NOEXIST); false if it was present. */
    public boolean putIfAbsent(K key, V value) {
        try {
            map.update(encodeKey(key), encodeValue(value), BPF_NOEXIST);
            return true;
        } catch (BpfException e) {
            if (e.errno() == BpfException.EEXIST) {
                return false;
            }
            throw e;
        }
    }

    /** False if the key was absent. */
    public boolean remove(K key) {
        return map.delete(encodeKey(key));
    }

    /** The keys, in the map's iteration order (GET_NEXT_KEY from the first key). */
    public List<K> keys() {
        ensureOpen.run();
        List<K> out = new ArrayList<>();
        byte[] previous = null;
        byte[] next = new byte[map.keySize()];
        while (map.nextKey(previous, next)) {
            out.add(keys.decode(wrap(next), 0));
            previous = next.clone();
        }
        return out;
    }

    /** A snapshot of every entry, in the map's iteration order (entries deleted meanwhile are left out). */
    public Map<K, V> entries() {
        Map<K, V> out = new LinkedHashMap<>();
        for (K key : keys()) {
            get(key).ifPresent(value -> out.put(key, value));
        }
        return out;
    }

    private byte[] encodeKey(K key) {
        ensureOpen.run();
        ByteBuffer bytes = buffer(keys.size());
        keys.encode(key, bytes, 0);
        return bytes.array();
    }

    private byte[] encodeValue(V value) {
        ByteBuffer bytes = buffer(values.size());
        values.encode(value, bytes, 0);
        return bytes.array();
    }

    private static ByteBuffer buffer(int size) {
        return wrap(new byte[size]);
    }

    static ByteBuffer wrap(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    @Override
    public String toString() {
        return "map `" + map.name() + "` (" + map.type() + ", keys " + keys + ", values " + values + ")";
    }
}
