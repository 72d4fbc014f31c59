package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.wasm.WasmBpfModule.Engine;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Guests importing from {@code env} (pre-2023) and TinyGo's {@code callback-wrapper}. */
class ImportVariantsTest {

    @ParameterizedTest
    @EnumSource(Engine.class)
    void envAliasAndTinyGoPollWithGoCallback(Engine engine) {
        // the VM backend; bench's SEC("syscall") program, test-run once, writes 64 records of 64 bytes
        var backend = RecordingBackend.vm(o -> {
            var p = (dev.wbpf.core.backend.TestRunnable) o.program("produce").orElseThrow();
            p.testRun(new dev.wbpf.core.backend.TestRunnable.Input(null, null, 1));
        });
        var out = new ByteArrayOutputStream();
        try (var m = WasmBpfModule.builder().path(Guests.guest("variants"))
                .args(List.of("load", "/data/bench.bpf.o", "fd", "rb", "poll", "0"))
                .directory(Fixtures.objectsDir(), "/data").stdout(out).engine(engine).backend(backend).build()) {
            assertEquals(0, m.run().exitCode());
        }
        String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("load ok\nfd ok\ngo-callback ctx=7 size=64\n"), text);
        assertEquals(64, text.lines().filter(l -> l.equals("go-callback ctx=7 size=64")).count(), text);
        assertTrue(text.endsWith("go-callback ctx=7 size=64\npoll = 64\nclose = 0\n"), text);
    }
}
