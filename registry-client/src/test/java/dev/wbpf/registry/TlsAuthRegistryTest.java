package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.registry.testing.MemoryContent;
import dev.wbpf.registry.testing.RegistryServer;
import dev.wbpf.registry.testing.RegistryTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Basic auth over TLS (self-signed certificate, trusted through a CA file), and where credentials come from. */
@RegistryTest
class TlsAuthRegistryTest {
    static final String USER = "wbpf-user";
    static final String PASSWORD = "s3cret pass";

    @TempDir
    static Path dir;
    static RegistryServer registry;

    @BeforeAll
    static void start() throws IOException {
        registry = RegistryServer.startTls(dir.resolve("registry"), USER, PASSWORD);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private RegistryClient client(CredentialStore credentials) throws IOException {
        return RegistryClient.builder().caFile(registry.caFile()).credentials(credentials).retry(RetryPolicy.none()).build();
    }

    private Reference ref(String rest) {
        return Reference.parse(registry.address() + "/" + rest);
    }

    @Test
    void withoutCredentialsTheMessageSaysWbpfLogin() throws IOException {
        RegistryClient client = client(CredentialStore.none());
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> client.pullManifest(ref("a/b:v1")));
        assertEquals("registry " + registry.address() + " asked for credentials: run `wbpf login " + registry.address() + "`",
                e.getMessage());
        assertThrows(AuthenticationException.class, () -> client.ping(registry.address()));
    }

    @Test
    void wrongPasswordIsRefused() throws IOException {
        RegistryClient client = client(r -> java.util.Optional.of(new Credentials(USER, "wrong")));
        AuthenticationException e = assertThrows(AuthenticationException.class, () -> client.ping(registry.address()));
        assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
    }

    @Test
    void withoutTheCaFileTlsVerificationFails() throws IOException {
        RegistryClient client = RegistryClient.builder().retry(RetryPolicy.none()).build();
        RegistryException e = assertThrows(RegistryException.class, () -> client.ping(registry.address()));
        assertTrue(e.getMessage().contains("--ca-file"), e.getMessage());
    }

    @Test
    void basicAuthOverTlsWithWbpfCredentials() throws IOException {
        WbpfCredentials store = WbpfCredentials.at(dir.resolve("wbpf-home/auth.json"));
        store.store(registry.address(), new Credentials(USER, PASSWORD));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.file())));
        RegistryClient client = client(store);
        client.ping(registry.address());
        MemoryContent local = new MemoryContent();
        RawManifest manifest = local.artifact("application/vnd.wbpf.test", "over tls".getBytes(StandardCharsets.UTF_8));
        client.push(ref("secure/app:v1"), manifest, local, null);
        MemoryContent pulled = new MemoryContent();
        client.pull(ref("secure/app:v1"), pulled);
        for (Descriptor d : manifest.children()) {
            assertArrayEquals(local.blobs.get(d.digest()), pulled.blobs.get(d.digest()));
        }
        assertTrue(store.erase(registry.address()));
        assertTrue(store.get(registry.address()).isEmpty());
    }

    @Test
    void dockerConfigAuths() throws IOException {
        Path docker = dir.resolve("docker-auths");
        Files.createDirectories(docker);
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        Files.writeString(docker.resolve("config.json"), "{\"auths\":{\"" + registry.address() + "\":{\"auth\":\"" + auth + "\"}}}");
        client(DockerConfigCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", docker.toString()))).ping(registry.address());
    }

    @Test
    void dockerCredentialHelpersAndStore() throws IOException {
        Path bin = dir.resolve("bin");
        Files.createDirectories(bin);
        // A credential helper speaking docker's protocol: `get`, the server on stdin, JSON out.
        Path helper = bin.resolve("docker-credential-wbpftest");
        Files.writeString(helper, """
                #!/bin/sh
                [ "$1" = get ] || exit 1
                read server
                if [ "$server" = "%s" ]; then
                  printf '{"ServerURL":"%%s","Username":"%s","Secret":"%s"}\\n' "$server"
                else
                  echo "credentials not found in native keychain"; exit 1
                fi
                """.formatted(registry.address(), USER, PASSWORD));
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwxr-xr-x"));
        String path = bin + ":/usr/bin:/bin";

        Path helpers = dir.resolve("docker-helpers");
        Files.createDirectories(helpers);
        Files.writeString(helpers.resolve("config.json"), "{\"credHelpers\":{\"" + registry.address() + "\":\"wbpftest\"}}");
        client(DockerConfigCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", helpers.toString(), "PATH", path)))
                .ping(registry.address());

        Path store = dir.resolve("docker-store");
        Files.createDirectories(store);
        Files.writeString(store.resolve("config.json"), "{\"credsStore\":\"wbpftest\"}");
        DockerConfigCredentials fromStore = DockerConfigCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", store.toString(), "PATH", path));
        client(fromStore).ping(registry.address());
        assertTrue(fromStore.get("other.example:5000").isEmpty(), "the helper's `credentials not found` is no credentials");

        Files.writeString(store.resolve("config.json"), "{\"credsStore\":\"missing\"}");
        RegistryException e = assertThrows(RegistryException.class, () -> client(
                DockerConfigCredentials.fromEnvironment(Map.of("DOCKER_CONFIG", store.toString(), "PATH", path))).ping(registry.address()));
        assertTrue(e.getMessage().contains("docker-credential-missing"), e.getMessage());
    }
}
