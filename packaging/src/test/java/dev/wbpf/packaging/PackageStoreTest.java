package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackageStoreTest {
    @TempDir
    Path dir;

    @Test
    void newStoreIsAnEmptyOciLayout() throws IOException {
        PackageStore store = PackageStore.open(dir.resolve("store"));
        JsonNode layout = Json.MAPPER.readTree(Files.readAllBytes(store.root().resolve("oci-layout")));
        assertEquals("1.0.0", layout.get("imageLayoutVersion").asText());
        JsonNode index = Json.MAPPER.readTree(Files.readAllBytes(store.root().resolve("index.json")));
        assertEquals(2, index.get("schemaVersion").asInt());
        assertEquals(MediaTypes.OCI_INDEX, index.get("mediaType").asText());
        assertTrue(Files.isDirectory(store.root().resolve("blobs/sha256")));
        assertTrue(store.list().isEmpty());
        PackageStore.open(dir.resolve("store")); // opening again changes nothing
        assertTrue(store.list().isEmpty());
    }

    @Test
    void defaultRootFollowsPropertyThenWbpfHomeThenXdg() {
        assertEquals(Path.of("/p"), PackageStore.defaultRoot(Map.of("WBPF_HOME", "/w"), "/p", "/home/u"));
        assertEquals(Path.of("/w"), PackageStore.defaultRoot(Map.of("WBPF_HOME", "/w", "XDG_DATA_HOME", "/x"), null, "/home/u"));
        assertEquals(Path.of("/x/wbpf"), PackageStore.defaultRoot(Map.of("XDG_DATA_HOME", "/x"), null, "/home/u"));
        assertEquals(Path.of("/home/u/.local/share/wbpf"), PackageStore.defaultRoot(Map.of(), null, "/home/u"));
        assertEquals(Path.of("/home/u/.local/share/wbpf"), PackageStore.defaultRoot(Map.of("XDG_DATA_HOME", "relative"), null, "/home/u"),
                "the XDG spec says relative paths are to be ignored");
    }

    @Test
    void buildThenResolveAndReadTheModuleBack() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Descriptor d = Fixtures.build(store, "localhost:5000/acme/demo:1.0", "round trip");
        assertEquals(MediaTypes.OCI_MANIFEST, d.mediaType());
        assertEquals(MediaTypes.WBPF_ARTIFACT, d.artifactType());
        assertEquals("localhost:5000/acme/demo:1.0", d.annotation(MediaTypes.ANNOTATION_REF_NAME));

        Manifest m = store.manifest(Reference.parse("localhost:5000/acme/demo:1.0"));
        assertEquals(MediaTypes.WBPF_CONFIG, m.config().mediaType());
        assertEquals(3, m.layers().size());
        assertEquals(MediaTypes.WBPF_MODULE_ZSTD, m.layers().get(0).mediaType());
        assertEquals("demo.wasm", m.layers().get(0).annotation(MediaTypes.ANNOTATION_TITLE));
        assertEquals(MediaTypes.WBPF_README, m.layers().get(1).mediaType());
        assertEquals("extra.txt", m.layers().get(2).annotation(MediaTypes.ANNOTATION_TITLE));
        assertEquals("demo", m.annotation(MediaTypes.ANNOTATION_TITLE));
        assertEquals("1.0", m.annotation(MediaTypes.ANNOTATION_VERSION));
        assertEquals("https://example.org/demo", m.annotation(MediaTypes.ANNOTATION_SOURCE));
        assertEquals("a test package", m.annotation(MediaTypes.ANNOTATION_DESCRIPTION));
        assertEquals("2026-01-02T03:04:05Z", m.annotation(MediaTypes.ANNOTATION_CREATED));

        byte[] module = Packages.module(store, Reference.parse("localhost:5000/acme/demo:1.0"));
        assertArrayEquals(Fixtures.module("round trip"), module);
        assertArrayEquals(module, Packages.module(store, Reference.parse("localhost:5000/acme/demo@" + d.digest())));

        PackageConfig config = Packages.config(store, m, "demo");
        assertEquals("demo.wasm", config.entry());
        assertEquals(Digest.of(module), config.moduleDigest());
        assertEquals("tracepoint", config.programs().getFirst().type());
        assertEquals(Boolean.TRUE, config.runsOnVm());
        assertEquals("5.8", config.minKernel());
    }

    @Test
    void retaggingMovesTheTagAndShortNamesResolve() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Fixtures.build(store, "demo:1", "first");
        Descriptor second = Fixtures.build(store, "docker.io/library/demo:1", "second");
        assertEquals(1, store.list().size());
        assertEquals("docker.io/library/demo:1", store.list().getFirst().name());
        assertEquals(second.digest(), store.require(Reference.parse("demo:1")).digest());
        assertArrayEquals(Fixtures.module("second"), Packages.module(store, Reference.parse("library/demo:1")));
        var missing = assertThrows(NotFoundException.class, () -> Packages.module(store, Reference.parse("demo:2")));
        assertTrue(missing.getMessage().contains("package docker.io/library/demo:2 is not in the store"), missing.getMessage());
    }

    @Test
    void tamperedBlobIsAnErrorNamingTheDigestAndNothingChanges() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Fixtures.build(store, "demo:1", "tamper me");
        Manifest m = store.manifest(Reference.parse("demo:1"));
        Digest layer = m.layers().getFirst().digest();
        Path file = store.blobPath(layer);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length / 2] ^= 1;
        Files.write(file, bytes);
        byte[] indexBefore = Files.readAllBytes(store.root().resolve("index.json"));
        var blobsBefore = Fixtures.blobFiles(store);

        var e = assertThrows(DigestMismatchException.class, () -> Packages.module(store, Reference.parse("demo:1")));
        assertEquals(layer, e.expected());
        assertTrue(e.getMessage().startsWith("blob " + layer + " in the store "), e.getMessage());
        assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
        var streamed = assertThrows(DigestMismatchException.class, () -> {
            try (var in = store.openBlob(layer)) {
                in.readAllBytes();
            }
        });
        assertEquals(layer, streamed.expected());

        assertArrayEquals(indexBefore, Files.readAllBytes(store.root().resolve("index.json")));
        assertEquals(blobsBefore, Fixtures.blobFiles(store));
        assertArrayEquals(bytes, Files.readAllBytes(file), "the corrupt blob is left for the user to see");
    }

    @Test
    void blobWithTheWrongDigestOrSizeIsRefusedAndTheStoreIsUnchanged() throws IOException {
        PackageStore store = PackageStore.open(dir);
        byte[] content = "content".getBytes(StandardCharsets.UTF_8);
        Digest wrong = Digest.of("other".getBytes(StandardCharsets.UTF_8));
        var e = assertThrows(DigestMismatchException.class,
                () -> store.putBlob("x", new ByteArrayInputStream(content), wrong, content.length));
        assertTrue(e.getMessage().contains("blob " + wrong + " was refused: its content hashes to " + Digest.of(content)), e.getMessage());
        var tooLong = assertThrows(DigestMismatchException.class,
                () -> store.putBlob("x", new ByteArrayInputStream(content), Digest.of(content), 3));
        assertTrue(tooLong.getMessage().contains("longer than the 3 bytes"), tooLong.getMessage());
        assertTrue(Fixtures.blobFiles(store).isEmpty());
        try (var tmp = Files.list(store.root().resolve(".wbpf-tmp"))) {
            assertEquals(0, tmp.count(), "no temporary file left behind");
        }
        Descriptor ok = store.putBlob("x", new ByteArrayInputStream(content), Digest.of(content), content.length);
        assertArrayEquals(content, store.blob(ok.digest()));
    }

    @Test
    void stagedBlobsEnterTheStoreOnlyWhenCommittedAndWrongOnesNever() throws IOException {
        PackageStore store = PackageStore.open(dir);
        byte[] content = "staged content".getBytes(StandardCharsets.UTF_8);
        Digest digest = Digest.of(content);
        try (StagedBlob good = store.stageBlob("x", digest, content.length);
             StagedBlob tampered = store.stageBlob("x", digest, content.length)) {
            good.stream().write(content);
            assertEquals(new Descriptor("x", digest, content.length), good.verify());
            assertFalse(store.hasBlob(digest), "verified is not yet in the store");

            byte[] flipped = content.clone();
            flipped[3] ^= 1;
            tampered.stream().write(flipped);
            var e = assertThrows(DigestMismatchException.class, tampered::verify);
            assertTrue(e.getMessage().contains("blob " + digest + " was refused: its content hashes to " + Digest.of(flipped)),
                    e.getMessage());
            assertThrows(DigestMismatchException.class, tampered::commit);
            assertFalse(store.hasBlob(digest));

            good.commit();
            assertArrayEquals(content, store.blob(digest));
        }
        try (StagedBlob tooLong = store.stageBlob("x", digest, 3)) {
            var e = assertThrows(DigestMismatchException.class, () -> tooLong.stream().write(content));
            assertTrue(e.getMessage().contains("longer than the 3 bytes"), e.getMessage());
        }
        try (StagedBlob abandoned = store.stageBlob("x", Digest.of(new byte[1]), 1)) {
            abandoned.stream().write(0);
        }
        assertEquals(1, Fixtures.blobFiles(store).size());
        try (var tmp = Files.list(store.root().resolve(".wbpf-tmp"))) {
            assertEquals(0, tmp.count(), "no staging file left behind");
        }
    }

    @Test
    void rmiUntagsAndPruneRemovesWhatNothingReaches() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Fixtures.build(store, "demo:1", "one");
        Fixtures.build(store, "demo:2", "two");
        int both = Fixtures.blobFiles(store).size();
        store.untag(Reference.parse("demo:1"));
        assertEquals(1, store.list().size());
        assertEquals(0, store.prune().removed().size(), "young blobs survive the default grace period");
        var pruned = store.prune(Duration.ZERO);
        // demo:1's manifest, config and module layer; README and extra file are shared with demo:2
        assertEquals(3, pruned.removed().size(), pruned.toString());
        assertEquals(both - 3, Fixtures.blobFiles(store).size());
        assertArrayEquals(Fixtures.module("two"), Packages.module(store, Reference.parse("demo:2")));
        var e = assertThrows(NotFoundException.class, () -> store.untag(Reference.parse("demo:1")));
        assertTrue(e.getMessage().contains("demo:1 is not in the store"), e.getMessage());
    }

    @Test
    void rmiByDigestRemovesEveryTagOfIt() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Descriptor d = Fixtures.build(store, "demo:1", "same");
        store.tag(Reference.parse("demo:also"), d);
        assertEquals(2, store.list().size());
        assertEquals(2, store.untag(Reference.parse("demo@" + d.digest())).size());
        assertTrue(store.list().isEmpty());
    }

    @Test
    void skopeoAndUmociReadTheStore() throws Exception {
        PackageStore store = PackageStore.open(dir.resolve("store"));
        Descriptor d = Fixtures.build(store, "localhost:5000/acme/demo:1.0", "peers");
        Fixtures.build(store, "demo:latest", "peers too");
        String root = store.root().toString();

        String umoci = Fixtures.run(null, "umoci", "ls", "--layout", root);
        assertTrue(umoci.lines().anyMatch(l -> l.equals("localhost:5000/acme/demo:1.0")), umoci);
        assertTrue(umoci.lines().anyMatch(l -> l.equals("docker.io/library/demo:latest")), umoci);

        String raw = Fixtures.run(null, "skopeo", "inspect", "--raw", "oci:" + root + ":localhost:5000/acme/demo:1.0");
        assertEquals(d.digest(), Digest.of(raw.getBytes(StandardCharsets.UTF_8)), "skopeo finds the manifest wbpf tagged");
        JsonNode manifest = Json.MAPPER.readTree(raw);
        assertEquals(MediaTypes.WBPF_ARTIFACT, manifest.get("artifactType").asText());

        Path copy = dir.resolve("copy");
        Fixtures.run(null, "skopeo", "copy", "oci:" + root + ":localhost:5000/acme/demo:1.0", "oci:" + copy + ":v1");
        PackageStore copied = PackageStore.open(copy);
        assertArrayEquals(Fixtures.module("peers"), Packages.module(copied, Reference.parse("v1")),
                "a layout skopeo wrote (tag 'v1') is read back by wbpf");
    }

    /** What a pull does: blobs first (verified), then the manifest as served, then the tag. */
    @Test
    void rawManifestFromARegistryIsStoredAsServed() throws IOException {
        PackageStore source = PackageStore.open(dir.resolve("source"));
        Descriptor built = Fixtures.build(source, "demo:1", "pulled");
        byte[] raw = source.blob(built.digest());
        Manifest m = source.manifest(built);

        PackageStore store = PackageStore.open(dir.resolve("store"));
        for (Descriptor blob : List.of(m.config(), m.layers().get(0), m.layers().get(1), m.layers().get(2))) {
            store.putBlob(blob.mediaType(), source.openBlob(blob.digest()), blob.digest(), blob.size());
        }
        var tampered = raw.clone();
        tampered[10] ^= 1;
        assertThrows(DigestMismatchException.class, () -> store.putManifest(tampered, MediaTypes.OCI_MANIFEST, built.digest()));
        Descriptor d = store.putManifest(raw, MediaTypes.OCI_MANIFEST, built.digest());
        assertEquals(built.digest(), d.digest());
        assertEquals(MediaTypes.WBPF_ARTIFACT, d.artifactType());
        store.tag(Reference.parse("ghcr.io/acme/demo:1"), d);
        assertArrayEquals(Fixtures.module("pulled"), Packages.module(store, Reference.parse("ghcr.io/acme/demo:1")));
        assertEquals(source.reachable(built), store.reachable(d));
    }
}
