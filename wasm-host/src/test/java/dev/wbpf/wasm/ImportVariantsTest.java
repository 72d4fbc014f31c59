package dev.wbpf.wasm;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        FakeBackend backend = new FakeBackend() {
            @Override
            public dev.wbpf.core.backend.BpfObject load(dev.wbpf.core.object.BpfObjectSpec spec,
                                                        dev.wbpf.core.backend.LoadOptions options) {
                var o = (FakeObject) super.load(spec, options);
                var events = o.maps.stream().filter(m -> m.name().equals("events")).findFirst().orElseThrow();
                events.send(new byte[24]);
                events.send(new byte[100]);
                return o;
            }
        };
        var out = new ByteArrayOutputStream();
        try (var m = WasmBpfModule.builder().path(Guests.guest("variants"))
                .args(List.of("load", "/data/execsnoop.bpf.o", "fd", "events", "poll", "0"))
                .directory(Guests.bpfObjects(), "/data").stdout(out).engine(engine).backend(backend).build()) {
            assertEquals(0, m.run().exitCode());
        }
        assertEquals("""
                load ok
                fd ok
                go-callback ctx=7 size=24
                go-callback ctx=7 size=64
                poll = 2
                close = 0
                """, out.toString(StandardCharsets.UTF_8));
    }
}
