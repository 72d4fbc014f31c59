package dev.wbpf.packaging;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;

/**
 * A blob on its way into a {@link PackageStore}: written to a temporary file of the store while
 * it is hashed and counted (one pass), {@link #verify() checked} against the digest and size it
 * was announced with, and visible in the store only after {@link #commit()}. A caller may stage
 * several blobs and commit them once all arrived; {@link #close()} throws away what was not
 * committed.
 */
public final class StagedBlob implements AutoCloseable {
    private final PackageStore store;
    private final String mediaType;
    private final Digest expected;
    private final long expectedSize;
    private final Path temp;
    private final FileChannel channel;
    private final MessageDigest md = Digest.newSha256();
    private long size;
    private Descriptor verified;
    private DigestMismatchException refused;
    private boolean committed;

    StagedBlob(PackageStore store, Path temp, String mediaType, Digest expected, long expectedSize) throws IOException {
        this.store = store;
        this.temp = temp;
        this.mediaType = mediaType;
        this.expected = expected;
        this.expectedSize = expectedSize;
        this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    }

    /** Where to write the content; closing it does not end the staging. */
    public OutputStream stream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                StagedBlob.this.write(b, off, len);
            }
        };
    }

    private void write(byte[] b, int off, int len) throws IOException {
        if (verified != null || refused != null) {
            throw new IllegalStateException("blob " + (expected != null ? expected : "") + " was already verified");
        }
        if (expectedSize >= 0 && size + len > expectedSize) {
            throw new DigestMismatchException(expected, "blob " + (expected != null ? expected : "") +
                    " was refused: it is longer than the " + expectedSize + " bytes announced; the store is unchanged");
        }
        md.update(b, off, len);
        ByteBuffer buffer = ByteBuffer.wrap(b, off, len);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        size += len;
    }

    /**
     * Ends the writing: flushes the content to disk and checks it against the digest and size
     * announced. Throws {@link DigestMismatchException} (and keeps nothing) when they differ.
     */
    public Descriptor verify() throws IOException {
        if (verified != null) {
            return verified;
        }
        if (refused == null) {
            channel.force(true);
            channel.close();
            Digest actual = Digest.from(md);
            if (expected != null && !expected.equals(actual)) {
                refused = new DigestMismatchException(expected, "blob " + expected + " was refused: its content hashes to "
                        + actual + " (" + size + " bytes); the store is unchanged");
            } else if (expectedSize >= 0 && size != expectedSize) {
                refused = new DigestMismatchException(expected, "blob " + actual + " was refused: it has " + size
                        + " bytes, " + expectedSize + " were announced; the store is unchanged");
            } else {
                verified = new Descriptor(mediaType, actual, size);
                return verified;
            }
        }
        throw refused;
    }

    /** Verifies (if not done yet) and moves the blob into the store. */
    public Descriptor commit() throws IOException {
        Descriptor d = verify();
        PackageStore.moveIntoPlace(temp, store.blobPath(d.digest()));
        committed = true;
        return d;
    }

    /** Throws away the content unless it was committed. */
    @Override
    public void close() throws IOException {
        if (!committed) {
            channel.close();
            Files.deleteIfExists(temp);
        }
    }
}
