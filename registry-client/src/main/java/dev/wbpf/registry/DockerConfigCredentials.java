package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.UserHome;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Credentials the way docker keeps them: {@code $DOCKER_CONFIG/config.json} (default
 * {@code ~/.docker/config.json}) with {@code credHelpers} (per registry), {@code credsStore}
 * (for all) and {@code auths} (base64 {@code user:password}). Helpers are
 * {@code docker-credential-NAME} programs found on {@code PATH}, asked with {@code get} and the
 * server on standard input; they answer {@code {"ServerURL","Username","Secret"}}.
 */
public final class DockerConfigCredentials implements CredentialStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HUB_KEY = "https://index.docker.io/v1/";

    private final Path config;
    private final String path;

    public DockerConfigCredentials(Path config, String path) {
        this.config = config;
        this.path = path;
    }

    public static DockerConfigCredentials fromEnvironment(Map<String, String> env) {
        String dir = env.get("DOCKER_CONFIG");
        Path config = dir != null && !dir.isBlank() ? Path.of(dir, "config.json")
                : Path.of(UserHome.of(env), ".docker", "config.json");
        return new DockerConfigCredentials(config, env.getOrDefault("PATH", ""));
    }

    @Override
    public Optional<Credentials> get(String registry) throws IOException {
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = JSON.readTree(config.toFile());
        } catch (IOException e) {
            throw new RegistryException("cannot read docker config " + config + ": " + e.getMessage(), e);
        }
        List<String> keys = keysFor(registry);
        for (String key : keys) {
            JsonNode helper = root.path("credHelpers").path(key);
            if (helper.isTextual()) {
                return helper(helper.asText(), key);
            }
        }
        if (root.path("credsStore").isTextual()) {
            Optional<Credentials> found = helper(root.get("credsStore").asText(), keys.getFirst());
            if (found.isPresent()) {
                return found;
            }
        }
        JsonNode auths = root.path("auths");
        for (String key : keys) {
            JsonNode entry = auths.path(key);
            if (entry.path("auth").isTextual() && !entry.get("auth").asText().isEmpty()) {
                return Optional.of(WbpfCredentials.decode(entry.get("auth").asText(), config + " (" + key + ")"));
            }
            if (entry.path("identitytoken").isTextual()) {
                return Optional.of(new Credentials("<token>", entry.get("identitytoken").asText()));
            }
        }
        return Optional.empty();
    }

    /** The keys docker may have used for a registry; Docker Hub's is its historical URL. */
    private static List<String> keysFor(String registry) {
        if (registry.equals(Reference.DEFAULT_REGISTRY) || registry.equals("registry-1.docker.io")
                || registry.equals("index.docker.io")) {
            return List.of(HUB_KEY, "docker.io", "index.docker.io", "registry-1.docker.io");
        }
        return List.of(registry, "https://" + registry, "http://" + registry);
    }

    private Optional<Credentials> helper(String name, String server) throws IOException {
        Path program = findOnPath("docker-credential-" + name);
        if (program == null) {
            throw new RegistryException("docker config " + config + " names credential helper `docker-credential-"
                    + name + "`, which is not on PATH");
        }
        ProcessBuilder builder = new ProcessBuilder(program.toString(), "get").redirectErrorStream(false);
        builder.environment().put("PATH", path);
        Process process = builder.start();
        try (OutputStream in = process.getOutputStream()) {
            in.write(server.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out;
        byte[] err;
        try (InputStream stdout = process.getInputStream(); InputStream stderr = process.getErrorStream()) {
            out = stdout.readAllBytes();
            err = stderr.readAllBytes();
        }
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new RegistryException("credential helper " + program + " did not answer within 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new java.io.InterruptedIOException("interrupted waiting for " + program);
        }
        String said = (new String(out, StandardCharsets.UTF_8) + new String(err, StandardCharsets.UTF_8)).trim();
        if (process.exitValue() != 0) {
            if (said.contains("credentials not found")) {
                return Optional.empty();
            }
            throw new RegistryException("credential helper " + program + " failed for " + server + ": " + said);
        }
        JsonNode answer;
        try {
            answer = JSON.readTree(out);
        } catch (IOException e) {
            throw new RegistryException("credential helper " + program + " did not answer JSON: " + said);
        }
        if (answer == null || !answer.path("Secret").isTextual()) {
            throw new RegistryException("credential helper " + program + " answered without a Secret");
        }
        return Optional.of(new Credentials(answer.path("Username").asText(""), answer.get("Secret").asText()));
    }

    private Path findOnPath(String program) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        return null;
    }
}
