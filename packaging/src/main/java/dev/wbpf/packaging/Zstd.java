package dev.wbpf.packaging;

import com.github.luben.zstd.ZstdInputStream;
import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** zstd compression of layers, through zstd-jni. */
public final class Zstd {
    /** zstd's own default level. */
    public static final int DEFAULT_LEVEL = 3;
    /** Levels zstd accepts without {@code --ultra} memory settings we never need. */
    public static final int MIN_LEVEL = 1;
    public static final int MAX_LEVEL = 22;

    private Zstd() {
    }

    public static byte[] compress(byte[] data, int level) {
        if (level < MIN_LEVEL || level > MAX_LEVEL) {
            throw new PackagingException("zstd level " + level + " is out of range " + MIN_LEVEL + ".." + MAX_LEVEL);
        }
        var out = new ByteArrayOutputStream(Math.max(64, data.length / 3));
        try (var z = new ZstdOutputStream(out, level)) {
            z.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /**
     * Decompresses {@code data}, refusing output larger than {@code maxSize} (a guard against a
     * layer that expands without bound).
     */
    public static byte[] decompress(byte[] data, long maxSize, String what) {
        var out = new ByteArrayOutputStream(Math.max(64, data.length * 3));
        try (InputStream z = new ZstdInputStream(new ByteArrayInputStream(data))) {
            byte[] buf = new byte[64 * 1024];
            long total = 0;
            for (int n; (n = z.read(buf)) > 0; ) {
                total += n;
                if (total > maxSize) {
                    throw new PackagingException(what + " decompresses to more than " + maxSize + " bytes");
                }
                out.write(buf, 0, n);
            }
        } catch (IOException e) {
            throw new PackagingException(what + " is not valid zstd data: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }
}
