package dev.wbpf.wasm;

import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.CodeSection;
import com.dylibso.chicory.wasm.types.CustomSection;
import com.dylibso.chicory.wasm.types.DataCountSection;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.ElementSection;
import com.dylibso.chicory.wasm.types.ExportSection;
import com.dylibso.chicory.wasm.types.FunctionSection;
import com.dylibso.chicory.wasm.types.GlobalSection;
import com.dylibso.chicory.wasm.types.ImportSection;
import com.dylibso.chicory.wasm.types.MemorySection;
import com.dylibso.chicory.wasm.types.Section;
import com.dylibso.chicory.wasm.types.SectionId;
import com.dylibso.chicory.wasm.types.StartSection;
import com.dylibso.chicory.wasm.types.TableSection;
import com.dylibso.chicory.wasm.types.TagSection;
import com.dylibso.chicory.wasm.types.TypeSection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/**
 * Chicory's parser as wbpf uses it: the digest that keys the compiled-module cache is computed
 * only when a cache is used ({@link Parser#parse(byte[])} hashes every module), and a module
 * whose compiled classes come from the cache can be parsed without its function bodies.
 */
final class ModuleParsing {
    private static final int CODE_SECTION = 10;
    /** A function body of no locals and {@code unreachable; end}. */
    private static final byte[] STUB_BODY = {3, 0x00, 0x00, 0x0b};

    private ModuleParsing() {
    }

    /** The key Chicory's compiler caches a module under: {@code sha-256:} and the bytes' SHA-256 in base64. */
    static String digest(byte[] wasm) {
        try {
            return "sha-256:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(wasm));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /**
     * Parses and validates a module.
     *
     * @param digest the module's {@link #digest}, or null where no compiled-module cache is used
     * @throws com.dylibso.chicory.wasm.ChicoryException if the bytes are not a valid module
     */
    static WasmModule parse(byte[] wasm, String digest) {
        WasmModule.Builder module = WasmModule.builder().withDigest(digest);
        Parser.builder().build().parse(new ByteArrayInputStream(wasm), section -> add(module, section));
        return module.build();
    }

    private static void add(WasmModule.Builder module, Section s) {
        switch (s.sectionId()) {
            case SectionId.CUSTOM -> module.addCustomSection(((CustomSection) s).name(), (CustomSection) s);
            case SectionId.TYPE -> module.setTypeSection((TypeSection) s);
            case SectionId.IMPORT -> module.setImportSection((ImportSection) s);
            case SectionId.FUNCTION -> module.setFunctionSection((FunctionSection) s);
            case SectionId.TABLE -> module.setTableSection((TableSection) s);
            case SectionId.MEMORY -> module.setMemorySection((MemorySection) s);
            case SectionId.GLOBAL -> module.setGlobalSection((GlobalSection) s);
            case SectionId.EXPORT -> module.setExportSection((ExportSection) s);
            case SectionId.START -> module.setStartSection((StartSection) s);
            case SectionId.ELEMENT -> module.setElementSection((ElementSection) s);
            case SectionId.CODE -> module.setCodeSection((CodeSection) s);
            case SectionId.DATA -> module.setDataSection((DataSection) s);
            case SectionId.DATA_COUNT -> module.setDataCountSection((DataCountSection) s);
            case SectionId.TAG -> module.setTagSection((TagSection) s);
            default -> module.addIgnoredSection(s.sectionId());
        }
    }

    /**
     * A copy of the module whose function bodies are each {@code unreachable}: all that Chicory
     * needs of a module whose functions all run as compiled classes, and a fraction of the
     * parsing (function bodies are most of a module's code).
     *
     * @throws MalformedException if the section layout is broken (parse the original to say how)
     */
    static byte[] withStubBodies(byte[] wasm) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(wasm.length);
            out.write(wasm, 0, 8); // magic and version
            int[] at = {8};
            while (at[0] < wasm.length) {
                int id = wasm[at[0]++] & 0xff;
                int size = readU32(wasm, at);
                int start = at[0];
                int end = Math.addExact(start, size);
                if (end > wasm.length) {
                    throw new MalformedException("section " + id + " runs past the end of the module");
                }
                if (id != CODE_SECTION) {
                    out.write(id);
                    writeU32(out, size);
                    out.write(wasm, start, size);
                } else {
                    int functions = readU32(wasm, at);
                    ByteArrayOutputStream code = new ByteArrayOutputStream(5 + functions * STUB_BODY.length);
                    writeU32(code, functions);
                    for (int i = 0; i < functions; i++) {
                        at[0] = Math.addExact(readU32(wasm, at), at[0]);
                        code.write(STUB_BODY, 0, STUB_BODY.length);
                    }
                    if (at[0] != end) {
                        throw new MalformedException("the code section's bodies do not fill it");
                    }
                    out.write(id);
                    writeU32(out, code.size());
                    out.write(code.toByteArray(), 0, code.size());
                }
                at[0] = end;
            }
            return out.toByteArray();
        } catch (ArrayIndexOutOfBoundsException | ArithmeticException e) {
            throw new MalformedException("the module ends inside a section");
        }
    }

    private static int readU32(byte[] b, int[] at) {
        long value = 0;
        for (int shift = 0; shift < 35; shift += 7) {
            int x = b[at[0]++] & 0xff;
            value |= (long) (x & 0x7f) << shift;
            if ((x & 0x80) == 0) {
                if (value > Integer.MAX_VALUE) {
                    throw new MalformedException("a size does not fit in 31 bits");
                }
                return (int) value;
            }
        }
        throw new MalformedException("a LEB128 number longer than 5 bytes");
    }

    /** Appends {@code value} as unsigned LEB128, as Wasm writes sizes and counts. */
    static void writeU32(ByteArrayOutputStream out, int value) {
        do {
            int x = value & 0x7f;
            value >>>= 7;
            out.write(value != 0 ? x | 0x80 : x);
        } while (value != 0);
    }
}
