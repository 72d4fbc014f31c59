package dev.wbpf.wasm.embed;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** A per-CPU map's value ({@link TypedMap#perCpu}), one 8-byte-aligned slot per possible CPU. */
record PerCpuCodec<V>(Codec<V> each, int cpus) implements Codec<List<V>> {
    PerCpuCodec {
        if (cpus < 1) {
            throw new IllegalArgumentException("per-CPU values need at least one CPU: " + cpus);
        }
    }

    private int slot() {
        return (each.size() + 7) & ~7;
    }

    @Override
    public int size() {
        return slot() * cpus;
    }

    @Override
    public List<V> decode(ByteBuffer bytes, int offset) {
        List<V> values = new ArrayList<>(cpus);
        for (int cpu = 0; cpu < cpus; cpu++) {
            values.add(each.decode(bytes, offset + cpu * slot()));
        }
        return List.copyOf(values);
    }

    @Override
    public void encode(List<V> values, ByteBuffer bytes, int offset) {
        if (values.size() != cpus) {
            throw new IllegalArgumentException("a per-CPU value needs one value per possible CPU (" + cpus + "), got "
                    + values.size() + "; Collections.nCopies(" + cpus + ", value) gives every CPU the same value");
        }
        for (int cpu = 0; cpu < cpus; cpu++) {
            each.encode(values.get(cpu), bytes, offset + cpu * slot());
        }
    }

    @Override
    public String toString() {
        return "perCpu(" + each + ", " + cpus + ")";
    }
}
