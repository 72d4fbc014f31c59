package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ModuleParsingTest {

    @Test
    void theDigestIsTheOneChicorysParserGives() throws IOException {
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));
        assertEquals(Parser.parse(wasm).digest(), ModuleParsing.digest(wasm));
    }

    @Test
    void stubBodiesKeepEverythingButTheCode() throws IOException {
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));
        var full = ModuleParsing.parse(wasm, null);
        var stubbed = ModuleParsing.parse(ModuleParsing.withStubBodies(wasm), null);
        assertEquals(full.functionSection().functionCount(), stubbed.codeSection().functionBodyCount());
        assertEquals(full.importSection().importCount(), stubbed.importSection().importCount());
        assertEquals(full.exportSection().exportCount(), stubbed.exportSection().exportCount());
        assertEquals(full.dataSection().dataSegmentCount(), stubbed.dataSection().dataSegmentCount());
        for (int i = 0; i < full.dataSection().dataSegmentCount(); i++) {
            assertArrayEquals(full.dataSection().getDataSegment(i).data(), stubbed.dataSection().getDataSegment(i).data());
        }
        assertEquals(full.nameSection().nameOfFunction(12), stubbed.nameSection().nameOfFunction(12));
    }

    @Test
    void aModuleCutShortIsMalformedNotACrash() throws IOException {
        byte[] wasm = Files.readAllBytes(Guests.guest("guest"));
        for (int length : new int[] {9, 20, 100, wasm.length / 2, wasm.length - 1}) {
            assertThrows(MalformedException.class, () -> ModuleParsing.withStubBodies(Arrays.copyOf(wasm, length)),
                    "cut at " + length);
        }
    }
}
