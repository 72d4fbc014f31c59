package dev.wbpf.registry;

import dev.wbpf.packaging.Descriptor;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;

/**
 * Request bodies for the parts of a blob being uploaded, streamed from its {@link BlobSource}
 * without copies. Consecutive parts read on from one open stream, so the source is read (and a
 * store's blob hashed and checked) once; a part read again, as when a request is sent a second
 * time after a 401 challenge, reopens the source at that offset.
 */
final class BlobBodies implements Closeable {
    private final BlobSource source;
    private final Descriptor blob;
    private final TransferListener listener;
    private InputStream in;
    private long position;
    /** Counts reopenings: a part handed out before the latest one may not read on. */
    private int generation;

    BlobBodies(BlobSource source, Descriptor blob, TransferListener listener) {
        this.source = source;
        this.blob = blob;
        this.listener = listener;
    }

    /** The {@code length} bytes from {@code offset} on. */
    HttpRequest.BodyPublisher part(long offset, long length) {
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> {
            try {
                return open(offset, length);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), length);
    }

    private synchronized InputStream open(long offset, long length) throws IOException {
        if (in == null || position != offset) {
            close();
            in = source.open();
            in.skipNBytes(offset);
            position = offset;
            generation++;
        }
        return new Part(offset + length, generation);
    }

    @Override
    public synchronized void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }

    /** The open stream up to {@code end}; at the blob's end it checks the source ends there too. */
    private final class Part extends InputStream {
        private final long end;
        private final int generation;

        Part(long end, int generation) {
            this.end = end;
            this.generation = generation;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            synchronized (BlobBodies.this) {
                if (generation != BlobBodies.this.generation) {
                    throw new IOException("the body of an upload request was read again; this earlier read stops");
                }
                if (position >= end) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, end - position));
                if (n < 0) {
                    throw new IOException("blob " + blob.digest() + " to upload ended after " + position + " of "
                            + blob.size() + " bytes");
                }
                position += n;
                if (position == blob.size() && in.read() >= 0) {
                    // reading on to the source's end also lets a store's stream check the digest
                    throw new IOException("blob " + blob.digest() + " to upload is longer than its " + blob.size() + " bytes");
                }
                listener.progress(blob, position);
                return n;
            }
        }

        @Override
        public void close() {
            // the stream stays open for the next part
        }
    }
}
