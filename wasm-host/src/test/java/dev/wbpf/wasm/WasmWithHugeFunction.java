package dev.wbpf.wasm;

import java.io.ByteArrayOutputStream;

/**
 * A module whose one function, {@code huge: () -> i64}, adds 7 {@value #ADDS} times: its JVM
 * bytecode would exceed the JVM's 64 KiB method limit, so Chicory's compiler leaves it to the
 * interpreter.
 */
final class WasmWithHugeFunction {
    static final int ADDS = 40_000;
    static final long RESULT = 7L * ADDS;

    private WasmWithHugeFunction() {
    }

    static byte[] bytes() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(0); // no locals
        body.write(0x42); // i64.const 0
        body.write(0);
        for (int i = 0; i < ADDS; i++) {
            body.write(0x42); // i64.const 7
            body.write(7);
            body.write(0x7c); // i64.add
        }
        body.write(0x0b); // end

        ByteArrayOutputStream code = new ByteArrayOutputStream();
        code.write(1); // one body
        ModuleParsing.writeU32(code, body.size());
        code.writeBytes(body.toByteArray());

        ByteArrayOutputStream module = new ByteArrayOutputStream();
        module.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
        section(module, 1, new byte[] {1, 0x60, 0, 1, 0x7e}); // type 0: () -> i64
        section(module, 3, new byte[] {1, 0}); // function 0 has type 0
        section(module, 7, new byte[] {1, 4, 'h', 'u', 'g', 'e', 0, 0}); // export "huge" = function 0
        section(module, 10, code.toByteArray());
        return module.toByteArray();
    }

    private static void section(ByteArrayOutputStream module, int id, byte[] content) {
        module.write(id);
        ModuleParsing.writeU32(module, content.length);
        module.writeBytes(content);
    }
}
