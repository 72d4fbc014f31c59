package dev.wbpf.wasm;

import com.dylibso.chicory.runtime.TrapException;

/**
 * A host function refused what the guest asked of it in a way that must stop the guest (a pointer
 * outside its memory, a callback of the wrong type): raised inside the host function, it unwinds
 * the guest like any Wasm trap. The message names the host function and the address.
 */
public final class GuestTrap extends TrapException {
    public GuestTrap(String message) {
        super(message);
    }
}
