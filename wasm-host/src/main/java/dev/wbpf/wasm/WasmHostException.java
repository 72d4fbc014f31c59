package dev.wbpf.wasm;

/**
 * A module could not be run: not Wasm, imports wbpf does not provide, a trap. The message is one
 * paragraph meant for the user.
 */
public class WasmHostException extends RuntimeException {
    public WasmHostException(String message) {
        super(message);
    }

    public WasmHostException(String message, Throwable cause) {
        super(message, cause);
    }
}
