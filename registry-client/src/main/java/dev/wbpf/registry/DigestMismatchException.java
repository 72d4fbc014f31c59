package dev.wbpf.registry;

import dev.wbpf.packaging.Digest;
/** Content from the registry does not hash to (or is not the size of) what was asked for. */
public final class DigestMismatchException extends RegistryException {
    private final Digest expected;

    public DigestMismatchException(String message, Digest expected) {
        super(message);
        this.expected = expected;
    }

    public Digest expected() {
        return expected;
    }
}
