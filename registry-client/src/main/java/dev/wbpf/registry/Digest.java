package dev.wbpf.registry;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** A content digest, {@code ALGORITHM:HEX} ({@code sha256} or {@code sha512}). */
public record Digest(String algorithm, String hex) {

    private static final Pattern HEX = Pattern.compile("[a-f0-9]+");

    public Digest {
        int length = switch (algorithm) {
            case "sha256" -> 64;
            case "sha512" -> 128;
            default -> throw new IllegalArgumentException("unsupported digest algorithm `" + algorithm + "`");
        };
        if (hex.length() != length || !HEX.matcher(hex).matches()) {
            throw new IllegalArgumentException("`" + algorithm + ":" + hex + "` is not a " + algorithm
                    + " digest (" + length + " lowercase hex digits)");
        }
    }

    public static Digest parse(String text) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("`" + text + "` is not a digest (ALGORITHM:HEX)");
        }
        return new Digest(text.substring(0, colon), text.substring(colon + 1));
    }

    public static Digest sha256(byte[] content) {
        MessageDigest md = newSha256();
        return new Digest("sha256", HexFormat.of().formatHex(md.digest(content)));
    }

    static MessageDigest newSha256() {
        return newMessageDigest("sha256");
    }

    /** A fresh {@link MessageDigest} for this digest's algorithm. */
    public MessageDigest newMessageDigest() {
        return newMessageDigest(algorithm);
    }

    private static MessageDigest newMessageDigest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm.equals("sha256") ? "SHA-256" : "SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code md} (fed with this digest's algorithm) produced this digest. */
    boolean matches(MessageDigest md) {
        return hex.equals(HexFormat.of().formatHex(md.digest()));
    }

    @Override
    public String toString() {
        return algorithm + ":" + hex;
    }
}
