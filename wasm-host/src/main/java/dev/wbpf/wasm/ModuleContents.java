package dev.wbpf.wasm;

import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Import;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a wasm-bpf module carries, without running it: its imports and exports, the imports wbpf
 * does not provide, and the BPF ELF objects embedded in its data segments (a skeleton header
 * compiles the object into the module as a byte array, so it lands in a data segment whole).
 *
 * @param imports         {@code module.name} of every import, in the module's order
 * @param exports         the export names
 * @param missingImports  the imports wbpf does not provide, with their signatures (empty: wbpf can run it)
 * @param objects         the embedded BPF objects, in the order of the data segments
 */
public record ModuleContents(List<String> imports, List<String> exports, List<String> missingImports,
                             List<EmbeddedObject> objects) {
    /** ELF magic, 64-bit class, little-endian: what clang -target bpf writes. */
    private static final byte[] ELF64_LE = {0x7f, 'E', 'L', 'F', 2, 1};
    private static final int EM_BPF = 247;
    private static final int ELF64_HEADER_SIZE = 64;

    /**
     * An ELF object for the BPF machine found in a data segment.
     *
     * @param segment the data segment's index
     * @param offset  where in the segment the object starts
     * @param bytes   the object (its extent is computed from its section headers)
     */
    public record EmbeddedObject(int segment, int offset, byte[] bytes) {
    }

    /**
     * Reads a module.
     *
     * @throws WasmHostException when the bytes are not a valid Wasm module
     */
    public static ModuleContents read(String name, byte[] wasm) {
        if (wasm.length < 8 || !Arrays.equals(wasm, 0, 4, WasmBpfModule.WASM_MAGIC, 0, 4)) {
            throw new WasmHostException(name + " is not a WebAssembly module (it does not start with \\0asm)");
        }
        WasmModule module;
        try {
            module = ModuleParsing.parse(wasm, null);
        } catch (ChicoryException e) {
            throw new WasmHostException(name + " is not a valid WebAssembly module: " + e.getMessage(), e);
        }
        List<String> imports = new ArrayList<>();
        for (int i = 0; i < module.importSection().importCount(); i++) {
            Import imp = module.importSection().getImport(i);
            imports.add(imp.module() + "." + imp.name());
        }
        List<String> exports = new ArrayList<>();
        for (int i = 0; i < module.exportSection().exportCount(); i++) {
            exports.add(module.exportSection().getExport(i).name());
        }
        List<EmbeddedObject> objects = new ArrayList<>();
        var segments = module.dataSection().dataSegments();
        for (int s = 0; s < segments.length; s++) {
            objects.addAll(embeddedObjects(s, segments[s].data()));
        }
        return new ModuleContents(List.copyOf(imports), List.copyOf(exports),
                List.copyOf(WasmBpfModule.missingImports(module)), List.copyOf(objects));
    }

    /** BPF ELF objects in one data segment: a BPF ELF header whose section headers fit in the segment. */
    static List<EmbeddedObject> embeddedObjects(int segment, byte[] data) {
        List<EmbeddedObject> found = new ArrayList<>();
        ByteBuffer le = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        int at = 0;
        while ((at = indexOf(data, ELF64_LE, at)) >= 0) {
            long extent = bpfObjectExtent(le, at, data.length - at);
            if (extent > 0) {
                found.add(new EmbeddedObject(segment, at, Arrays.copyOfRange(data, at, at + (int) extent)));
                at += (int) extent;
            } else {
                at++;
            }
        }
        return found;
    }

    /** The object's size (the end of its furthest section or of its section header table), or 0 if it is none. */
    private static long bpfObjectExtent(ByteBuffer le, int start, int available) {
        if (available < ELF64_HEADER_SIZE || Short.toUnsignedInt(le.getShort(start + 18)) != EM_BPF) {
            return 0;
        }
        long sectionHeaders = le.getLong(start + 40);
        int headerSize = Short.toUnsignedInt(le.getShort(start + 58));
        int count = Short.toUnsignedInt(le.getShort(start + 60));
        long end = sectionHeaders + (long) headerSize * count;
        if (headerSize < 64 || sectionHeaders < ELF64_HEADER_SIZE || end > available) {
            return 0;
        }
        for (int i = 0; i < count; i++) {
            int header = start + (int) sectionHeaders + i * headerSize;
            int type = le.getInt(header + 4);
            long offset = le.getLong(header + 24);
            long size = le.getLong(header + 32);
            boolean occupiesFile = type != 8; // SHT_NOBITS (.bss) has no bytes in the file
            if (occupiesFile && (offset < 0 || size < 0 || offset + size > available)) {
                return 0;
            }
            end = Math.max(end, occupiesFile ? offset + size : 0);
        }
        return end;
    }

    private static int indexOf(byte[] data, byte[] pattern, int from) {
        outer:
        for (int i = from; i <= data.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
