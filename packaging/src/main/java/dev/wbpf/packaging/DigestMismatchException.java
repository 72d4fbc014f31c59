package dev.wbpf.packaging;

/** Content whose sha256 (or size) is not the one it was announced or stored under. */
public final class DigestMismatchException extends PackagingException {
    private static final long serialVersionUID = 1L;
    private final Digest expected;

    public DigestMismatchException(Digest expected, String message) {
        super(message);
        this.expected = expected;
    }

    /** The digest the content should have had. */
    public Digest expected() {
        return expected;
    }
}
