package dev.wbpf.wasm.embed;

import dev.wbpf.core.backend.BpfMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A BPF map with Java keys and values (per-CPU maps: the value codec sees every CPU's value). */
public final class TypedMap<K, V> {
    private final BpfMap map;
    private final Codec<K> keys;
    private final Codec<V> values;

    public TypedMap(BpfMap map, Codec<K> keys, Codec<V> values) {
        this.map = map;
        this.keys = keys;
        this.values = values;
    }

    public Optional<V> get(K key) {
        byte[] value = new byte[map.valueBufferSize()];
        return map.lookup(keys.encode(key, map.keySize()), value) ? Optional.of(values.decode(value)) : Optional.empty();
    }

    /** BPF_ANY: create or replace. */
    public void put(K key, V value) {
        map.update(keys.encode(key, map.keySize()), values.encode(value, map.valueBufferSize()), 0);
    }

    /** False if the key was absent. */
    public boolean remove(K key) {
        return map.delete(keys.encode(key, map.keySize()));
    }

    /** The keys, in the map's iteration order (GET_NEXT_KEY from the first key). */
    public List<K> keys() {
        List<K> out = new ArrayList<>();
        byte[] prev = null;
        byte[] next = new byte[map.keySize()];
        while (map.nextKey(prev, next)) {
            out.add(keys.decode(next.clone()));
            prev = next.clone();
        }
        return out;
    }
}
