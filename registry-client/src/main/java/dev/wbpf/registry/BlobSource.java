package dev.wbpf.registry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Content to upload. {@link #open()} may be called more than once (retries, resumption). */
public interface BlobSource {

    long size() throws IOException;

    InputStream open() throws IOException;

    static BlobSource of(byte[] content) {
        byte[] copy = content.clone();
        return new BlobSource() {
            @Override
            public long size() {
                return copy.length;
            }

            @Override
            public InputStream open() {
                return new ByteArrayInputStream(copy);
            }
        };
    }

    static BlobSource of(Path file) {
        return new BlobSource() {
            @Override
            public long size() throws IOException {
                return Files.size(file);
            }

            @Override
            public InputStream open() throws IOException {
                return Files.newInputStream(file);
            }
        };
    }
}
