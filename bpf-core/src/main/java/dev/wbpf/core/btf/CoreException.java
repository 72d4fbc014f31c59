package dev.wbpf.core.btf;

import dev.wbpf.core.backend.BpfException;

/** A CO-RE relocation that cannot be applied at all (not merely unresolvable on the target). */
public final class CoreException extends BpfException {
    public CoreException(String message) {
        super(message, EINVAL);
    }
}
