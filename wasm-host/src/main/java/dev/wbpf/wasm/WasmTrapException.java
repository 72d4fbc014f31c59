package dev.wbpf.wasm;

import java.util.Optional;

/** The guest trapped (or a host function trapped it); names the guest function where known. */
public final class WasmTrapException extends WasmHostException {
    private final String guestFunction;

    public WasmTrapException(String message, String guestFunction, Throwable cause) {
        super(message, cause);
        this.guestFunction = guestFunction;
    }

    /** The innermost guest function on the Wasm stack when the trap happened. */
    public Optional<String> guestFunction() {
        return Optional.ofNullable(guestFunction);
    }
}
