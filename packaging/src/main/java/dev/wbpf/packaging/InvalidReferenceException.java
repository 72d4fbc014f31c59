package dev.wbpf.packaging;

/** A package reference that does not parse: a usage error. */
public final class InvalidReferenceException extends PackagingException {
    private static final long serialVersionUID = 1L;

    public InvalidReferenceException(String message) {
        super(message);
    }
}
