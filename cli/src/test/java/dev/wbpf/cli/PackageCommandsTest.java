package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Packages;
import dev.wbpf.packaging.Reference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** build, images, inspect REF, rmi, prune, save, load, as a user runs them; the store in a temporary WBPF home. */
class PackageCommandsTest {
    private static final Path TESTDATA = Path.of(System.getProperty("wbpf.testdata", "../testdata"));
    private static final Path EXECSNOOP = TESTDATA.resolve("../bpf-guest/examples/execsnoop/execsnoop.wasm").normalize();
    private static final String REF = "localhost:5000/acme/execsnoop:1.0";

    @TempDir
    Path dir;

    @BeforeEach
    void useTemporaryStore() {
        System.setProperty("wbpf.home", dir.resolve("home").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("wbpf.home");
    }

    private Path metadata() throws IOException {
        Path yaml = dir.resolve("wbpf.yaml");
        Files.writeString(yaml, """
                name: execsnoop
                version: 1.0.0
                description: Trace exec() calls
                license: GPL-2.0
                source: https://example.org/execsnoop
                minKernel: "5.8"
                """);
        return yaml;
    }

    private static CliRunner ok(String... args) {
        CliRunner r = CliRunner.run(args);
        assertEquals(0, r.exitCode(), String.join(" ", args) + ":\n" + r.err() + r.out());
        return r;
    }

    @Test
    void buildImagesInspectSaveSkopeoLoadRoundTrip() throws Exception {
        Path readme = Files.writeString(dir.resolve("README.md"), "# execsnoop\n");
        Path extra = Files.writeString(dir.resolve("NOTICE"), "notice\n");
        CliRunner built = ok("build", EXECSNOOP.toString(), "-f", metadata().toString(), "-t", REF,
                "--readme", readme.toString(), "--file", extra.toString(), "--zstd-level", "9");
        assertTrue(built.out().startsWith("built " + REF + " sha256:"), built.out());

        String images = ok("images").out();
        String[] lines = images.split("\n");
        assertTrue(lines[0].matches("REF\\s+DIGEST\\s+SIZE\\s+CREATED"), images);
        assertTrue(lines[1].matches(REF.replace(".", "\\.") + "\\s+[0-9a-f]{12}\\s+[0-9.]+ KB\\s+\\d+ seconds? ago"), images);

        String text = ok("inspect", REF).out();
        assertTrue(text.contains("layout    wbpf (" + MediaTypes.WBPF_ARTIFACT + ")"), text);
        assertTrue(text.contains("version     1.0.0"), text);
        assertTrue(text.matches("(?s).*handle_execve\\s+tp/syscalls/sys_enter_execve\\s+tracepoint\\s+tracepoint\\s+syscalls/sys_enter_execve.*"),
                "programs come from the BPF object embedded in the module:\n" + text);
        assertTrue(text.matches("(?s).*" + MediaTypes.WBPF_MODULE_ZSTD.replace("+", "\\+").replace(".", "\\.") + "\\s+sha256:[0-9a-f]{64}\\s+\\d+\\s+execsnoop\\.wasm.*"), text);
        assertTrue(text.contains("README.md") && text.contains("NOTICE"), text);

        JsonNode json = new ObjectMapper().readTree(ok("inspect", "--json", REF).out());
        assertEquals(REF, json.get("reference").asText());
        assertEquals("wbpf", json.get("layout").asText());
        assertEquals("execsnoop", json.get("config").get("name").asText());
        assertEquals(Files.size(EXECSNOOP), json.get("config").get("moduleSize").asLong());
        assertEquals(3, json.get("manifest").get("layers").size());
        String digest = json.get("digest").asText();

        Path tar = dir.resolve("execsnoop.tar");
        ok("save", "-o", tar.toString(), REF);
        String raw = run("skopeo", "inspect", "--raw", "oci-archive:" + tar + ":" + REF);
        assertEquals(digest, Digest.of(raw.getBytes(StandardCharsets.UTF_8)).toString());
        Path copy = dir.resolve("copy");
        run("skopeo", "copy", "oci-archive:" + tar + ":" + REF, "oci:" + copy + ":copied");
        assertTrue(run("umoci", "ls", "--layout", copy.toString()).contains("copied"));

        System.setProperty("wbpf.home", dir.resolve("home2").toString());
        CliRunner loaded = ok("load", tar.toString());
        assertTrue(loaded.out().contains("loaded " + REF + " " + digest), loaded.out());
        byte[] module = Packages.module(PackageStore.openDefault(), Reference.parse(REF));
        assertArrayEquals(Files.readAllBytes(EXECSNOOP), module);
    }

    @Test
    void rmiThenPruneFreesTheBlobs() throws IOException {
        ok("build", EXECSNOOP.toString(), "-t", "execsnoop:1");
        PackageStore store = PackageStore.openDefault();
        assertEquals("execsnoop", Packages.inspect(store, Reference.parse("execsnoop:1")).config().name(),
                "without a metadata file the name is the module's");
        assertTrue(ok("rmi", "execsnoop:1").out().startsWith("untagged docker.io/library/execsnoop:1 sha256:"));
        assertFalse(ok("images").out().contains("execsnoop"));
        assertTrue(ok("prune").out().startsWith("deleted 0 blobs"), "the grace period keeps fresh blobs");
        assertTrue(ok("prune", "--all").out().startsWith("deleted 3 blobs"));
        try (var blobs = Files.list(store.root().resolve("blobs/sha256"))) {
            assertEquals(0, blobs.count());
        }
    }

    @Test
    void inspectShowsAnEcliPackage() throws IOException {
        PackageStore store = PackageStore.openDefault();
        var config = store.putBlob(MediaTypes.ECLI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
        var layer = store.putBlob(MediaTypes.ECLI_LAYER, Files.readAllBytes(EXECSNOOP));
        var manifest = dev.wbpf.packaging.Manifest.of(null, config, java.util.List.of(layer), null);
        store.tag(Reference.parse("ghcr.io/eunomia-bpf/execsnoop:latest"), store.putManifest(manifest));
        String out = ok("inspect", "ghcr.io/eunomia-bpf/execsnoop").out();
        assertTrue(out.contains("layout    ecli (" + MediaTypes.ECLI_CONFIG + ")"), out);
        assertTrue(out.contains(MediaTypes.ECLI_LAYER), out);
    }

    @Test
    void inspectStillReadsBpfObjects() {
        String out = ok("inspect", Fixtures.object("execsnoop").toString()).out();
        assertTrue(out.contains("license GPL"), out);
    }

    @Test
    void errorsAreOneLine() throws IOException {
        CliRunner malformed = CliRunner.run("build", EXECSNOOP.toString(), "-t", "Acme/Execsnoop");
        assertEquals(2, malformed.exitCode(), "a malformed reference is a usage error");
        assertEquals("wbpf: invalid package reference 'Acme/Execsnoop': repository names must be lowercase ('Acme');"
                + " expected [REGISTRY[:PORT]/]REPOSITORY[:TAG][@sha256:DIGEST], e.g. ghcr.io/acme/execsnoop:1.0", malformed.err().strip());

        CliRunner absent = CliRunner.run("inspect", "nope:1");
        assertEquals(1, absent.exitCode());
        assertTrue(absent.err().startsWith("wbpf: package docker.io/library/nope:1 is not in the store "), absent.err());
        assertOneLine(absent);

        CliRunner noModule = CliRunner.run("build", "missing.wasm", "-t", "x:1");
        assertTrue(noModule.err().startsWith("wbpf: missing.wasm: no such file"), noModule.err());

        Path notWasm = Files.writeString(dir.resolve("x.wasm"), "not wasm");
        CliRunner bad = CliRunner.run("build", notWasm.toString(), "-t", "x:1");
        assertTrue(bad.err().startsWith("wbpf: x.wasm is not a WebAssembly module"), bad.err());

        Path junk = Files.writeString(dir.resolve("junk.tar"), "junk".repeat(200));
        CliRunner load = CliRunner.run("load", junk.toString());
        assertEquals(1, load.exitCode());
        assertTrue(load.err().startsWith("wbpf: not a tar archive"), load.err());
        assertOneLine(load);
    }

    @Test
    void tamperedBlobIsReportedByDigest() throws IOException {
        ok("build", EXECSNOOP.toString(), "-t", "execsnoop:1");
        PackageStore store = PackageStore.openDefault();
        var config = store.manifest(Reference.parse("execsnoop:1")).config();
        Files.writeString(store.blobPath(config.digest()), "{\"name\":\"evil\"}");
        CliRunner r = CliRunner.run("inspect", "execsnoop:1");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().startsWith("wbpf: blob " + config.digest() + " in the store "), r.err());
        assertTrue(r.err().contains("is corrupt"), r.err());
        assertOneLine(r);
    }

    private static void assertOneLine(CliRunner r) {
        assertFalse(r.err().contains("\tat "), r.err());
        assertEquals(1, r.err().lines().count(), "one line: " + r.err());
        assertTrue(r.err().startsWith("wbpf: "), r.err());
    }

    private static String run(String... command) throws IOException, InterruptedException {
        boolean found = false;
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            found |= !d.isEmpty() && Files.isExecutable(Path.of(d, command[0]));
        }
        if (!found) {
            fail(command[0] + " is not installed: these tests check wbpf's archives with it as an independent peer;"
                    + " run scripts/setup (apt-get install skopeo umoci)");
        }
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command) + " hung");
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }
}
