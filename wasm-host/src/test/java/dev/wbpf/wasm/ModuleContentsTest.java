package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModuleContentsTest {
    private static Path testdata(String relative) {
        return Path.of(System.getProperty("wbpf.testdata"), relative);
    }

    @Test
    void findsAnObjectAmongOtherBytesAndCutsItAtItsLastSection() throws IOException {
        byte[] object = Files.readAllBytes(testdata("bpf/out/xdp_parse.bpf.o"));
        byte[] segment = new byte[object.length + 300];
        // an ELF magic of another machine first, then the object, then unrelated data
        System.arraycopy(new byte[] {0x7f, 'E', 'L', 'F', 2, 1}, 0, segment, 10, 6);
        System.arraycopy(object, 0, segment, 100, object.length);
        Arrays.fill(segment, 100 + object.length, segment.length, (byte) 0x5a);

        List<ModuleContents.EmbeddedObject> found = ModuleContents.embeddedObjects(3, segment);
        assertEquals(1, found.size());
        assertEquals(3, found.getFirst().segment());
        assertEquals(100, found.getFirst().offset());
        assertArrayEquals(object, found.getFirst().bytes());
    }

    @Test
    void aTruncatedObjectIsNotReported() throws IOException {
        byte[] object = Files.readAllBytes(testdata("bpf/out/xdp_parse.bpf.o"));
        assertTrue(ModuleContents.embeddedObjects(0, Arrays.copyOf(object, object.length - 1)).isEmpty());
    }

    @Test
    void notWasmIsRefusedWithTheSameMessageRunGives() {
        WasmHostException e = org.junit.jupiter.api.Assertions.assertThrows(WasmHostException.class,
                () -> ModuleContents.read("x.wasm", "#!/bin/sh\n".getBytes()));
        assertEquals("x.wasm is not a WebAssembly module (it does not start with \\0asm)", e.getMessage());
    }
}
