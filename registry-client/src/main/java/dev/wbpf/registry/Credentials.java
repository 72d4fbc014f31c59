package dev.wbpf.registry;

/**
 * A user name and password (or, from a docker credential helper, an identity token: then
 * {@code username} is {@code <token>} and {@link #identityToken()} is true).
 */
public record Credentials(String username, String password) {

    public Credentials {
        if (username == null || password == null) {
            throw new IllegalArgumentException("username and password are required");
        }
    }

    /** Whether {@code password} is an OAuth2 refresh token, not a password. */
    public boolean identityToken() {
        return "<token>".equals(username);
    }

    String basicHeader() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (username + ":" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", ****]";
    }
}
