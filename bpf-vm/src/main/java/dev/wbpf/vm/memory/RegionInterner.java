package dev.wbpf.vm.memory;

import java.util.Arrays;

/**
 * Finds an existing region for a window of an array, so that repeated map lookups in one run
 * reuse their region instead of growing the table. Open addressing on the array's identity hash
 * and the offset; cleared wholesale at the end of a run.
 */
final class RegionInterner {
    private int[] slots = new int[16];
    private int used;

    int find(Memory memory, byte[] bytes, int offset, int length, boolean writable) {
        if (used == 0) {
            return 0;
        }
        int mask = slots.length - 1;
        for (int i = hash(bytes, offset) & mask; ; i = (i + 1) & mask) {
            int region = slots[i];
            if (region == 0) {
                return 0;
            }
            if (memory.matches(region, bytes, offset, length, writable)) {
                return region;
            }
        }
    }

    void put(Memory memory, int region) {
        if ((used + 1) * 2 > slots.length) {
            int[] old = slots;
            slots = new int[old.length * 2];
            used = 0;
            for (int r : old) {
                if (r != 0) {
                    insert(memory, r);
                }
            }
        }
        insert(memory, region);
    }

    private void insert(Memory memory, int region) {
        int mask = slots.length - 1;
        int i = hash(memory.array(region), memory.base(region)) & mask;
        while (slots[i] != 0) {
            i = (i + 1) & mask;
        }
        slots[i] = region;
        used++;
    }

    void clear() {
        if (used != 0) {
            Arrays.fill(slots, 0);
            used = 0;
        }
    }

    private static int hash(byte[] bytes, int offset) {
        int h = System.identityHashCode(bytes) * 0x9e3779b9 + offset;
        return h ^ (h >>> 16);
    }
}
