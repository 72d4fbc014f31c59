package dev.wbpf.wasm;

import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.testing.Fixtures;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/** Runs a test guest with captured output. */
record GuestRun(RunResult result, String out, String err, String log) {

    static GuestRun run(WasmBpfModule.Engine engine, BpfBackend backend, Duration timeout, String... args) {
        return run(engine, backend, timeout, b -> b, args);
    }

    static GuestRun run(WasmBpfModule.Engine engine, BpfBackend backend, Duration timeout,
                        UnaryOperator<WasmBpfModule.Builder> options, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        StringBuffer log = new StringBuffer();
        var builder = WasmBpfModule.builder().path(Guests.guest("guest")).args(List.of(args))
                .engine(engine).stdout(out).stderr(err).log(l -> log.append(l).append('\n'))
                .directory(Fixtures.objectsDir(), "/data");
        if (backend != null) {
            builder.backend(backend);
        }
        try (WasmBpfModule module = options.apply(builder).build()) {
            RunResult r = module.run(timeout);
            return new GuestRun(r, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), log.toString());
        }
    }

    static Path execsnoop() {
        return Fixtures.object("execsnoop");
    }
}
