package dev.wbpf.packaging;

/** A reference, tag or blob that is not in the store. */
public final class NotFoundException extends PackagingException {
    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
