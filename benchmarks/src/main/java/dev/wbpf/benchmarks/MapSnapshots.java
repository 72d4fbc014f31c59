package dev.wbpf.benchmarks;

import dev.wbpf.kernel.map.KernelMap;
import dev.wbpf.vm.map.VmMap;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Map contents as comparable text: key (hex) to value (hex). Per-CPU values are summed over the
 * CPUs as little-endian u64 words (the kernel test-runs on whichever CPU the caller is on, the VM
 * on CPU 0), so a counter compares whatever CPU counted it. Global-data maps are named by their
 * section ({@code .bss}), since the kernel names them after the object ({@code xdp_pars.bss}).
 */
public final class MapSnapshots {
    private MapSnapshots() {}

    private static final HexFormat HEX = HexFormat.of();

    public static String normalName(String name) {
        for (String section : new String[] {".bss", ".data", ".rodata"}) {
            if (name.endsWith(section) || name.contains(section + ".")) {
                return name.substring(name.indexOf(section));
            }
        }
        return name;
    }

    public static Map<String, String> of(KernelMap map) {
        Map<String, String> out = new TreeMap<>();
        for (byte[] key : map.keys()) {
            byte[] value;
            if (map.type().isPerCpu()) {
                List<byte[]> values = map.lookupPerCpu(key).orElse(List.of());
                value = sum(values, map.valueSize());
            } else {
                value = map.lookup(key).orElse(null);
            }
            if (value != null) {
                out.put(HEX.formatHex(key), HEX.formatHex(value));
            }
        }
        return out;
    }

    public static Map<String, String> of(VmMap map) {
        Map<String, String> out = new TreeMap<>();
        for (byte[] key = map.nextKey(null); key != null; key = map.nextKey(key)) {
            byte[] value = map.lookup(key);
            if (value == null) {
                continue;
            }
            if (map.type().isPerCpu()) {
                int stride = (map.valueSize() + 7) & ~7;
                List<byte[]> values = new java.util.ArrayList<>();
                for (int at = 0; at + stride <= value.length; at += stride) {
                    values.add(java.util.Arrays.copyOfRange(value, at, at + map.valueSize()));
                }
                value = sum(values, map.valueSize());
            }
            out.put(HEX.formatHex(key), HEX.formatHex(value));
        }
        return out;
    }

    private static byte[] sum(List<byte[]> values, int size) {
        ByteBuffer total = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (int at = 0; at + 8 <= size; at += 8) {
            long s = 0;
            for (byte[] v : values) {
                s += ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong(at);
            }
            total.putLong(at, s);
        }
        return total.array();
    }
}
