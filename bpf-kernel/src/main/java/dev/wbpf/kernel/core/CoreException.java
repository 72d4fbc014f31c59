package dev.wbpf.kernel.core;

import dev.wbpf.kernel.KernelException;

/** A CO-RE relocation that cannot be applied at all (not merely unresolvable on this kernel). */
public final class CoreException extends KernelException {
    public CoreException(String message) {
        super(message);
    }
}
