package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.DataSection;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Objects embedded in a module are read before the guest loads them, and used only for the very same bytes. */
class ObjectsReadAheadTest {
    private static final int AT = 65536;

    /** A module whose one data segment holds the object between other bytes, as a skeleton header embeds it. */
    private static WasmModule moduleEmbedding(byte[] elf) {
        byte[] segment = new byte[elf.length + 200];
        Arrays.fill(segment, (byte) 0x5a);
        System.arraycopy(elf, 0, segment, 100, elf.length);
        return WasmModule.builder().setDataSection(DataSection.builder().addDataSegment(new PassiveDataSegment(segment)).build())
                .build();
    }

    private static BpfObjectSpec loadThroughTheHost(ObjectsReadAhead readAhead, byte[] elf) {
        var backend = RecordingBackend.vm();
        List<String> log = new ArrayList<>();
        try (var host = new WasmBpfHost(() -> backend, log::add, readAhead)) {
            var memory = new ByteArrayMemory(new MemoryLimits(2, 2));
            memory.write(AT, elf);
            long handle = host.loadObject(new GuestMemory(memory, "wasm_load_bpf_object"), AT, elf.length);
            assertTrue(handle != 0, log.toString());
            return backend.objects.getFirst().spec();
        }
    }

    @Test
    void theGuestsLoadOfTheEmbeddedBytesUsesTheObjectReadAhead() {
        byte[] elf = Fixtures.objectBytes("xdp_parse");
        ObjectsReadAhead readAhead = new ObjectsReadAhead();
        readAhead.readFrom(moduleEmbedding(elf));
        BpfObjectSpec ahead = readAhead.specFor(elf.clone()).orElseThrow();
        assertEquals(WasmBpfHost.readObject(elf).programs().size(), ahead.programs().size());
        assertSame(ahead, loadThroughTheHost(readAhead, elf));
    }

    @Test
    void aGuestThatSetsConfigurationBeforeLoadingGetsItsOwnBytesRead() {
        byte[] elf = Fixtures.objectBytes("xdp_parse");
        ObjectsReadAhead readAhead = new ObjectsReadAhead();
        readAhead.readFrom(moduleEmbedding(elf));
        BpfObjectSpec original = readAhead.specFor(elf).orElseThrow();
        byte[] rodata = original.global(".rodata").orElseThrow().initial();

        // what `skel->rodata->drop_udp_dport = 53` does to the embedded image
        byte[] configured = elf.clone();
        int at = rodataOffset(configured, rodata);
        configured[at] = 53;
        BpfObjectSpec loaded = loadThroughTheHost(readAhead, configured);
        assertNotSame(original, loaded);
        assertEquals(53, loaded.global(".rodata").orElseThrow().initial()[0]);
        assertArrayEquals(rodata, original.global(".rodata").orElseThrow().initial(), "the object read ahead is unchanged");
    }

    /** Where the ELF's .rodata section starts (it holds {@code expected}). */
    private static int rodataOffset(byte[] haystack, byte[] expected) {
        var elf = java.nio.ByteBuffer.wrap(haystack).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3c));
        int shstrndx = Short.toUnsignedInt(elf.getShort(0x3e));
        long strtab = elf.getLong((int) (shoff + (long) shstrndx * shentsize + 0x18));
        for (int i = 0; i < shnum; i++) {
            int header = (int) (shoff + (long) i * shentsize);
            int name = (int) (strtab + elf.getInt(header));
            if (new String(haystack, name, ".rodata".length() + 1, java.nio.charset.StandardCharsets.US_ASCII).equals(".rodata\0")) {
                int offset = (int) elf.getLong(header + 0x18);
                assertArrayEquals(expected, Arrays.copyOfRange(haystack, offset, offset + expected.length));
                return offset;
            }
        }
        throw new AssertionError("no .rodata");
    }
}
