package dev.wbpf.packaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A content digest, {@code sha256:<64 lowercase hex>} (the only algorithm wbpf writes or accepts,
 * as the OCI image-spec requires of every implementation).
 */
public record Digest(String algorithm, String encoded) {
    public static final String SHA256 = "sha256";
    private static final Pattern SHA256_HEX = Pattern.compile("[a-f0-9]{64}");

    public Digest {
        if (!SHA256.equals(algorithm)) {
            throw new PackagingException("unsupported digest algorithm '" + algorithm + "' (wbpf uses sha256)");
        }
        if (!SHA256_HEX.matcher(encoded).matches()) {
            throw new PackagingException("malformed sha256 digest '" + encoded + "': expected 64 lowercase hex digits");
        }
    }

    /** Parses {@code sha256:<hex>}. */
    @JsonCreator
    public static Digest parse(String text) {
        int colon = text == null ? -1 : text.indexOf(':');
        if (colon <= 0) {
            throw new PackagingException("malformed digest '" + text + "': expected sha256:<64 hex digits>");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The sha256 of {@code bytes}. */
    public static Digest of(byte[] bytes) {
        MessageDigest md = newSha256();
        md.update(bytes);
        return from(md);
    }

    /** A fresh {@link MessageDigest} for this digest's algorithm. */
    public MessageDigest newMessageDigest() {
        return newSha256();
    }

    /** Whether {@code md} (fed with this digest's algorithm) produced this digest. */
    public boolean matches(MessageDigest md) {
        return encoded.equals(HexFormat.of().formatHex(md.digest()));
    }

    static Digest from(MessageDigest md) {
        return new Digest(SHA256, HexFormat.of().formatHex(md.digest()));
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** The first 12 hex digits, as {@code wbpf images} shows them. */
    public String shortForm() {
        return encoded.substring(0, 12);
    }

    @JsonValue
    @Override
    public String toString() {
        return algorithm + ":" + encoded;
    }

    /** A stream that hashes what is read through it; {@link #digest()} once it is drained. */
    public static final class HashingInputStream extends FilterInputStream {
        private final MessageDigest md = newSha256();
        private long count;

        public HashingInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                md.update((byte) b);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                md.update(buf, off, n);
                count += n;
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] scratch = new byte[8192];
            long skipped = 0;
            while (skipped < n) {
                int r = read(scratch, 0, (int) Math.min(scratch.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        public long count() {
            return count;
        }

        public Digest digest() {
            return from(md);
        }
    }
}
