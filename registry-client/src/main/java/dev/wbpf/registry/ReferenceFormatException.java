package dev.wbpf.registry;

/** A reference the user typed that cannot be parsed: a usage error, not a registry failure. */
public final class ReferenceFormatException extends IllegalArgumentException {
    public ReferenceFormatException(String message) {
        super(message);
    }
}
