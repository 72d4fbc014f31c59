package dev.wbpf.registry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Where a pulled blob goes. The client writes to {@link #open()}, checks size and digest, and only
 * then calls {@link #commit()}; on any failure it calls {@link #abort()} and nothing is kept.
 */
public interface BlobSink {

    OutputStream open() throws IOException;

    /** The content was verified (or, where {@link #checksDigest()}, is to be verified now): make it visible. */
    void commit() throws IOException;

    /**
     * Whether the sink hashes what is written to it and its {@link #commit()} refuses, with a
     * {@link dev.wbpf.packaging.DigestMismatchException}, content that does not match the digest
     * (a store's {@link dev.wbpf.packaging.StagedBlob} does): the client then leaves the digest
     * check to the sink rather than hash the content twice. It still checks the size.
     */
    default boolean checksDigest() {
        return false;
    }

    /** The content was wrong or incomplete: throw away what was written. */
    void abort();

    /** A file written next to {@code target} and renamed onto it on commit. */
    static BlobSink toFile(Path target) {
        return new BlobSink() {
            private Path tmp;

            @Override
            public OutputStream open() throws IOException {
                Path dir = target.toAbsolutePath().getParent();
                Files.createDirectories(dir);
                tmp = Files.createTempFile(dir, "." + target.getFileName(), ".partial");
                return Files.newOutputStream(tmp);
            }

            @Override
            public void commit() throws IOException {
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }

            @Override
            public void abort() {
                try {
                    if (tmp != null) {
                        Files.deleteIfExists(tmp);
                    }
                } catch (IOException ignored) {
                    // best effort: a stray .partial file is harmless
                }
            }
        };
    }

    /** Keeps the content in memory; {@link Bytes#bytes()} is non-null only after commit. */
    static Bytes toBytes() {
        return new Bytes();
    }

    /** An in-memory sink. */
    final class Bytes implements BlobSink {
        private ByteArrayOutputStream buffer;
        private byte[] committed;

        @Override
        public OutputStream open() {
            buffer = new ByteArrayOutputStream();
            return buffer;
        }

        @Override
        public void commit() {
            committed = buffer.toByteArray();
        }

        @Override
        public void abort() {
            buffer = null;
        }

        public byte[] bytes() {
            return committed;
        }
    }
}
