package dev.wbpf.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.wbpf.packaging.UserHome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * wbpf's own credentials, written by {@code wbpf login}: a JSON file
 * ({@code {"auths":{"HOST":{"auth":"base64(user:password)"}}}}, docker's layout) readable by its
 * owner only (0600), at {@code $WBPF_HOME/auth.json}, else {@code $XDG_CONFIG_HOME/wbpf/auth.json},
 * else {@code ~/.config/wbpf/auth.json}.
 */
public final class WbpfCredentials implements CredentialStore {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    private WbpfCredentials(Path file) {
        this.file = file;
    }

    public static WbpfCredentials at(Path file) {
        return new WbpfCredentials(file);
    }

    public static Path defaultFile(Map<String, String> env) {
        String home = env.get("WBPF_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "auth.json");
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "wbpf", "auth.json");
        }
        return Path.of(UserHome.of(env), ".config", "wbpf", "auth.json");
    }

    public Path file() {
        return file;
    }

    @Override
    public Optional<Credentials> get(String registry) throws IOException {
        JsonNode entry = read().path("auths").path(registry).path("auth");
        if (!entry.isTextual()) {
            return Optional.empty();
        }
        return Optional.of(decode(entry.asText(), file + " (" + registry + ")"));
    }

    /** Saves credentials for {@code registry}, replacing any there were. */
    public synchronized void store(String registry, Credentials credentials) throws IOException {
        ObjectNode root = read();
        ObjectNode auths = root.has("auths") && root.get("auths").isObject()
                ? (ObjectNode) root.get("auths") : root.putObject("auths");
        auths.putObject(registry).put("auth", Base64.getEncoder().encodeToString(
                (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8)));
        write(root);
    }

    /** Forgets {@code registry}'s credentials; returns whether there were any. */
    public synchronized boolean erase(String registry) throws IOException {
        ObjectNode root = read();
        JsonNode auths = root.get("auths");
        if (auths instanceof ObjectNode object && object.remove(registry) != null) {
            write(root);
            return true;
        }
        return false;
    }

    static Credentials decode(String base64, String where) throws IOException {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new RegistryException("credentials in " + where + " are not base64");
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            throw new RegistryException("credentials in " + where + " are not USER:PASSWORD");
        }
        return new Credentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private ObjectNode read() throws IOException {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new RegistryException("cannot read credentials file " + file + ": " + e.getMessage(), e);
        }
        return root instanceof ObjectNode object ? object : JSON.createObjectNode();
    }

    private void write(ObjectNode root) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".auth-", ".json",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    }
}
