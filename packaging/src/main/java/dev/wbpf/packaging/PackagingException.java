package dev.wbpf.packaging;

/**
 * Something about a package or the store a user can act on: a malformed reference, a reference
 * not in the store, content whose digest does not match. The message is meant to be shown as is.
 */
public class PackagingException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public PackagingException(String message) {
        super(message);
    }

    public PackagingException(String message, Throwable cause) {
        super(message, cause);
    }
}
