package dev.wbpf.vm.map;

import java.util.Arrays;

/** A key compared by content, for the hash-based maps. The array is owned (copied on the way in). */
record MapKey(byte[] bytes) {
    static MapKey copyOf(byte[] key) {
        return new MapKey(key.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MapKey other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return java.util.HexFormat.of().formatHex(bytes);
    }
}
