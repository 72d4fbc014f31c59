package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.RegistryClient;
import dev.wbpf.registry.RetryPolicy;
import dev.wbpf.registry.WbpfCredentials;
import dev.wbpf.registry.testing.MemoryContent;
import dev.wbpf.registry.testing.RegistryServer;
import dev.wbpf.registry.testing.RegistryTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wbpf login/logout/tags} against a real TLS registry with Basic auth. */
@RegistryTest
class LoginCommandTest {
    @TempDir
    static Path dir;
    static RegistryServer registry;
    Path home;

    @BeforeAll
    static void start() throws IOException {
        registry = RegistryServer.startTls(dir.resolve("registry"), "alice", "wonderland");
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void isolate() throws IOException {
        home = Files.createTempDirectory(dir, "home");
        Env.override("WBPF_HOME", home.toString());
        Env.override("DOCKER_CONFIG", home.resolve("no-docker").toString());
    }

    @AfterEach
    void restore() {
        Env.override("WBPF_HOME", null);
        Env.override("DOCKER_CONFIG", null);
    }

    private String ca() {
        return registry.caFile().toString();
    }

    @Test
    void loginChecksThenSavesOwnerOnlyAndLogoutForgets() throws IOException {
        String host = registry.address();
        CliRunner before = CliRunner.run("tags", host + "/cli/app", "--ca-file", ca());
        assertEquals(1, before.exitCode());
        assertTrue(before.err().contains("registry " + host + " asked for credentials: run `wbpf login " + host + "`"), before.err());

        CliRunner login = CliRunner.runWithInput("wonderland\n", "login", host, "-u", "alice", "--password-stdin", "--ca-file", ca());
        assertEquals(0, login.exitCode(), login.err());
        Path auth = home.resolve("auth.json");
        assertTrue(login.out().contains("Login succeeded"), login.out());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(auth)));
        assertFalse(Files.readString(auth).contains("wonderland"), "the password is not stored in the clear");

        // Something to list, pushed with the saved credentials.
        RegistryClient client = RegistryClient.builder().caFile(registry.caFile()).retry(RetryPolicy.none())
                .credentials(WbpfCredentials.at(auth)).build();
        MemoryContent local = new MemoryContent();
        client.push(Reference.parse(host + "/cli/app:v1"), local.artifact("application/vnd.wbpf.test", new byte[] {1}), local, null);

        CliRunner tags = CliRunner.run("tags", host + "/cli/app", "--ca-file", ca());
        assertEquals(0, tags.exitCode(), tags.err());
        assertEquals("v1", tags.out().strip());

        CliRunner logout = CliRunner.run("logout", host);
        assertEquals(0, logout.exitCode(), logout.err());
        assertEquals(1, CliRunner.run("tags", host + "/cli/app", "--ca-file", ca()).exitCode());
    }

    @Test
    void aWrongPasswordIsNotSaved() {
        CliRunner login = CliRunner.runWithInput("nope\n", "login", registry.address(), "-u", "alice", "--password-stdin",
                "--ca-file", ca());
        assertEquals(1, login.exitCode());
        assertTrue(login.err().contains("refused the credentials"), login.err());
        assertFalse(Files.exists(home.resolve("auth.json")));
    }

    @Test
    void malformedReferenceIsAUsageError() {
        CliRunner r = CliRunner.run("tags", registry.address() + "/Not_Lower/Case");
        assertEquals(2, r.exitCode(), r.err());
        assertTrue(r.err().contains("invalid package reference"), r.err());
        assertTrue(r.err().contains("Usage: wbpf tags"), r.err());
    }

    @Test
    void withoutPasswordStdinOffATerminalLoginSaysWhatToPass() {
        CliRunner r = CliRunner.run("login", registry.address(), "-u", "alice");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("--password-stdin"), r.err());
    }
}
