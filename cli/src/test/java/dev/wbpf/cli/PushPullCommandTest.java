package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.testing.RegistryServer;
import dev.wbpf.registry.testing.RegistryTest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wbpf push / pull / run REF} against a real (plain HTTP) registry, both layouts, and the faults a user meets. */
@RegistryTest
class PushPullCommandTest {
    @TempDir
    static Path dir;
    static RegistryServer registry;
    Path home;

    @BeforeAll
    static void start() throws IOException {
        registry = RegistryServer.startPlain(dir.resolve("registry"));
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    @BeforeEach
    void isolate() throws IOException {
        freshHome();
        Env.override("DOCKER_CONFIG", dir.resolve("no-docker").toString());
    }

    @AfterEach
    void restore() {
        Env.override("WBPF_HOME", null);
        Env.override("DOCKER_CONFIG", null);
    }

    private void freshHome() throws IOException {
        home = Files.createTempDirectory(dir, "home");
        Env.override("WBPF_HOME", home.toString());
    }

    private String ref(String repoTag) {
        return registry.address() + "/" + repoTag;
    }

    private static CliRunner ok(String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + ": " + r.err() + r.out());
        return r;
    }

    private Set<String> storeBlobs() throws IOException {
        Path blobs = home.resolve("blobs/sha256");
        if (!Files.isDirectory(blobs)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(blobs)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void buildPushRmiPullRunBothFormats() throws IOException {
        String ref = ref("cli/guest:1");
        ok("build", RunCommandTest.guest().toString(), "-t", ref);
        CliRunner pushed = ok("push", "--plain-http", ref);
        assertTrue(pushed.out().contains("pushed " + ref), pushed.out());
        CliRunner again = ok("push", "--plain-http", ref);
        assertTrue(again.out().contains(" 0 uploaded"), "a second push uploads nothing: " + again.out());

        ok("rmi", ref);
        ok("prune");
        assertFalse(ok("images").out().contains(ref));
        CliRunner pulled = ok("pull", "--plain-http", ref);
        assertTrue(pulled.out().contains("pulled " + ref), pulled.out());
        assertTrue(ok("images").out().contains(ref));
        assertEquals(7, CliRunner.run("run", ref, "exit", "7").exitCode());
        assertEquals(7, CliRunner.run("run", "--interpreter", ref, "exit", "7").exitCode());

        // run REF of a package the store does not have: pulled first; argv[0] is the reference as given.
        freshHome();
        CliRunner run = CliRunner.run("run", "--plain-http", ref, "argv", "x");
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("argc=3\nargv[0]=" + ref + "\nargv[1]=argv\nargv[2]=x\n", run.out());
        assertTrue(ok("images").out().contains(ref), "run REF leaves the package in the store");

        // --format ecli: the layout eunomia-bpf's ecli reads; pull and run read it too.
        String ecli = ref("cli/guest-ecli:1");
        freshHome();
        ok("build", RunCommandTest.guest().toString(), "-t", ecli);
        ok("push", "--plain-http", "--format", "ecli", ecli);
        freshHome();
        ok("pull", "--plain-http", ecli);
        PackageStore store = PackageStore.open(home);
        var manifest = store.manifest(Reference.parse(ecli));
        assertEquals(MediaTypes.ECLI_CONFIG, manifest.config().mediaType());
        assertEquals(List.of(MediaTypes.ECLI_LAYER), manifest.layers().stream().map(Descriptor::mediaType).toList());
        assertEquals(7, CliRunner.run("run", ecli, "exit", "7").exitCode());
    }

    @Test
    void tamperedBlobFailsThePullNamingItAndLeavesTheStoreAlone() throws IOException {
        String ref = ref("cli/tampered:1");
        // Blobs are shared by digest across the registry: tamper with a layer only this package has.
        Path notes = Files.writeString(dir.resolve("notes.txt"), "only in cli/tampered\n".repeat(100));
        ok("build", RunCommandTest.guest().toString(), "-t", ref, "--file", notes.toString());
        ok("push", "--plain-http", ref);
        Digest layer = PackageStore.open(home).manifest(Reference.parse(ref)).layer(MediaTypes.WBPF_FILE_ZSTD).orElseThrow().digest();
        Path data = registry.blobData(layer.toString());
        byte[] bytes = Files.readAllBytes(data);
        bytes[bytes.length / 2] ^= 1;
        Files.write(data, bytes);

        freshHome();
        String imagesBefore = ok("images").out();
        Set<String> blobsBefore = storeBlobs();
        CliRunner pull = CliRunner.run("pull", "--plain-http", ref);
        assertEquals(1, pull.exitCode(), pull.err());
        assertTrue(pull.err().contains(layer.toString()), pull.err());
        assertEquals(imagesBefore, ok("images").out(), "no new tag");
        assertEquals(blobsBefore, storeBlobs(), "no new blobs");
        assertEquals(1, CliRunner.run("run", "--plain-http", ref, "exit", "7").exitCode(), "run REF fails the same way");
        assertEquals(blobsBefore, storeBlobs());
    }

    @Test
    void unknownTagAndMalformedReference() {
        CliRunner missing = CliRunner.run("pull", "--plain-http", ref("cli/nothing:here"));
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("MANIFEST_UNKNOWN: manifest unknown (404 Not Found; repo cli/nothing, tag here)"), missing.err());
        assertTrue(missing.err().contains("cli/nothing"), missing.err());

        for (String command : List.of("pull", "push")) {
            CliRunner bad = CliRunner.run(command, "--plain-http", registry.address() + "/Not_Lower:1");
            assertEquals(2, bad.exitCode(), bad.err());
            assertTrue(bad.err().contains("invalid package reference"), bad.err());
            assertTrue(bad.err().contains("Usage: wbpf " + command), bad.err());
        }
        CliRunner notInStore = CliRunner.run("push", "--plain-http", ref("cli/never-built:1"));
        assertEquals(1, notInStore.exitCode());
        assertTrue(notInStore.err().contains("is not in the store"), notInStore.err());
    }

    @Test
    void credentialsAreAskedForWithWbpfLogin() throws IOException {
        try (RegistryServer tls = RegistryServer.startTls(dir.resolve("tls"), "alice", "wonderland")) {
            String ref = tls.address() + "/cli/secret:1";
            CliRunner pull = CliRunner.run("pull", "--ca-file", tls.caFile().toString(), ref);
            assertEquals(1, pull.exitCode());
            assertTrue(pull.err().contains("run `wbpf login " + tls.address() + "`"), pull.err());
            ok("build", RunCommandTest.guest().toString(), "-t", ref);
            CliRunner push = CliRunner.run("push", "--ca-file", tls.caFile().toString(), ref);
            assertEquals(1, push.exitCode());
            assertTrue(push.err().contains("wbpf login"), push.err());
            CliRunner.runWithInput("wonderland\n", "login", tls.address(), "-u", "alice", "--password-stdin",
                    "--ca-file", tls.caFile().toString());
            ok("push", "--ca-file", tls.caFile().toString(), ref);
            freshHome();
            assertEquals(1, CliRunner.run("pull", "--ca-file", tls.caFile().toString(), ref).exitCode(), "another home has no login");
        }
    }

    @Test
    void registryStoppedInTheMiddleOfAPushThenASecondPushCompletes() throws Exception {
        String ref = ref("cli/big:1");
        Path big = dir.resolve("big.bin");
        byte[] noise = new byte[96 << 20];
        new Random(7).nextBytes(noise);
        Files.write(big, noise);
        ok("build", RunCommandTest.guest().toString(), "-t", ref, "--file", big.toString(), "--zstd-level", "1");
        // Stop the registry while the big layer streams in (after the config and module blobs went in whole).
        Path uploads = registry.storage().resolve("docker/registry/v2/repositories/cli/big/_uploads");
        Thread stopper = Thread.ofPlatform().start(() -> {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (System.nanoTime() < deadline) {
                try {
                    if (largestUpload(uploads) > (8 << 20)) {
                        registry.stop();
                        return;
                    }
                    Thread.sleep(2);
                } catch (IOException | java.io.UncheckedIOException e) {
                    // the upload directory changes under us: look again
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        CliRunner first = CliRunner.run("push", "--plain-http", ref);
        stopper.join();
        assertEquals(1, first.exitCode(), "the push was cut: " + first.out() + first.err());
        assertTrue(first.err().contains(registry.address()), first.err());
        assertTrue(first.err().contains("connection refused") || first.err().contains("push again"), first.err());

        registry.start();
        CliRunner second = ok("push", "--plain-http", ref);
        assertTrue(second.out().matches("(?s).*pushed .*: \\d+ uploaded, ([2-9]|\\d{2,}) already there.*"), second.out());
        freshHome();
        ok("pull", "--plain-http", ref);
        assertEquals(7, CliRunner.run("run", ref, "exit", "7").exitCode());
    }

    private static long largestUpload(Path uploads) throws IOException {
        if (!Files.isDirectory(uploads)) {
            return 0;
        }
        long max = 0;
        try (Stream<Path> s = Files.walk(uploads)) {
            for (Path p : s.filter(p -> p.getFileName().toString().equals("data")).toList()) {
                max = Math.max(max, Files.size(p));
            }
        }
        return max;
    }

    @Test
    void skopeoReadsWhatWePushAndWePullWhatSkopeoCopiedIn() throws IOException {
        String skopeo = RegistryServer.tool("skopeo");
        String ref = ref("cli/interop:1");
        ok("build", RunCommandTest.guest().toString(), "-t", ref);
        ok("push", "--plain-http", ref);
        String inspected = RegistryServer.run(List.of(skopeo, "inspect", "--raw", "--tls-verify=false", "docker://" + ref), null);
        assertTrue(inspected.contains(MediaTypes.WBPF_ARTIFACT), inspected);

        Path tar = dir.resolve("interop.tar");
        ok("save", "-o", tar.toString(), ref);
        Path layout = Files.createDirectories(dir.resolve("interop-layout"));
        RegistryServer.run(List.of("tar", "-xf", tar.toString(), "-C", layout.toString()), null);
        String copied = ref("skopeo/copied:2");
        RegistryServer.run(List.of(skopeo, "--insecure-policy", "copy", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + layout + ":" + ref, "docker://" + copied), null);
        freshHome();
        ok("pull", "--plain-http", copied);
        assertEquals(7, CliRunner.run("run", copied, "exit", "7").exitCode());
    }
}
