package dev.wbpf.registry;

/**
 * A blob upload stopped part way (the registry went away, retries ran out). {@link #session()} is
 * the open upload session: {@link RegistryClient#resumeUpload} continues it from where the
 * registry says it got to, once the registry is back.
 */
public final class UploadInterruptedException extends RegistryException {
    private final UploadSession session;

    public UploadInterruptedException(String message, UploadSession session, Throwable cause) {
        super(message, cause);
        this.session = session;
    }

    public UploadSession session() {
        return session;
    }
}
