package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayoutArchiveTest {
    @TempDir
    Path dir;

    @Test
    void saveIsAnOciArchiveSkopeoReadsAndLoadBringsItBack() throws Exception {
        PackageStore store = PackageStore.open(dir.resolve("store"));
        Descriptor one = Fixtures.build(store, "localhost:5000/acme/demo:1.0", "archived one");
        Fixtures.build(store, "demo:2", "archived two");
        Fixtures.build(store, "demo:not-saved", "left out");
        Path tar = dir.resolve("out/demo.tar");
        LayoutArchive.save(store, List.of(Reference.parse("localhost:5000/acme/demo:1.0"), Reference.parse("demo:2")), tar);

        String raw = Fixtures.run(null, "skopeo", "inspect", "--raw", "oci-archive:" + tar + ":localhost:5000/acme/demo:1.0");
        assertEquals(one.digest(), Digest.of(raw.getBytes(StandardCharsets.UTF_8)));
        JsonNode config = Json.MAPPER.readTree(Fixtures.run(null, "skopeo", "inspect", "--config", "--raw",
                "oci-archive:" + tar + ":docker.io/library/demo:2"));
        assertEquals("demo", config.get("name").asText());
        Path copy = dir.resolve("skopeo-copy");
        Fixtures.run(null, "skopeo", "copy", "oci-archive:" + tar + ":docker.io/library/demo:2", "oci:" + copy + ":two");
        assertArrayEquals(Fixtures.module("archived two"), Packages.module(PackageStore.open(copy), Reference.parse("two")));

        PackageStore fresh = PackageStore.open(dir.resolve("fresh"));
        var loaded = LayoutArchive.load(fresh, tar);
        assertEquals(2, loaded.size());
        assertEquals(2, fresh.list().size());
        assertArrayEquals(Fixtures.module("archived one"), Packages.module(fresh, Reference.parse("localhost:5000/acme/demo:1.0")));
        assertArrayEquals(Fixtures.module("archived two"), Packages.module(fresh, Reference.parse("demo:2")));
        assertEquals(fresh.reachable(), Fixtures.blobFiles(fresh).stream().map(h -> new Digest("sha256", h))
                .collect(java.util.stream.Collectors.toSet()), "the archive held exactly what the two packages reach");
    }

    @Test
    void loadReadsAnArchiveSkopeoWrote() throws Exception {
        PackageStore store = PackageStore.open(dir.resolve("store"));
        Fixtures.build(store, "demo:1", "via skopeo");
        Path tar = dir.resolve("skopeo.tar");
        Fixtures.run(null, "skopeo", "copy", "oci:" + store.root() + ":docker.io/library/demo:1", "oci-archive:" + tar + ":fromskopeo");
        PackageStore fresh = PackageStore.open(dir.resolve("fresh"));
        var loaded = LayoutArchive.load(fresh, tar);
        assertEquals("fromskopeo", loaded.getFirst().name());
        assertArrayEquals(Fixtures.module("via skopeo"), Packages.module(fresh, Reference.parse("fromskopeo")));
    }

    @Test
    void tamperedArchiveIsRefusedAndTheStoreIsUnchanged() throws IOException {
        byte[] good = "good".getBytes(StandardCharsets.UTF_8);
        Digest claimed = Digest.of(good);
        var bytes = new ByteArrayOutputStream();
        try (var tar = new Tar.Writer(bytes, 0)) {
            tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
            tar.file("index.json", Json.bytes(Index.empty()));
            tar.file("blobs/sha256/" + claimed.encoded(), "evil".getBytes(StandardCharsets.UTF_8));
        }
        Path tar = dir.resolve("bad.tar");
        Files.write(tar, bytes.toByteArray());
        PackageStore store = PackageStore.open(dir.resolve("store"));
        byte[] indexBefore = Files.readAllBytes(store.root().resolve("index.json"));
        var e = assertThrows(DigestMismatchException.class, () -> LayoutArchive.load(store, tar));
        assertTrue(e.getMessage().contains("blob " + claimed + " was refused"), e.getMessage());
        assertTrue(Fixtures.blobFiles(store).isEmpty());
        assertArrayEquals(indexBefore, Files.readAllBytes(store.root().resolve("index.json")));
    }

    @Test
    void notAnArchiveIsAClearError() throws IOException {
        Path junk = dir.resolve("junk.tar");
        Files.writeString(junk, "this is not a tar archive at all".repeat(40));
        PackageStore store = PackageStore.open(dir.resolve("store"));
        var e = assertThrows(IOException.class, () -> LayoutArchive.load(store, junk));
        assertTrue(e.getMessage().contains("not a tar archive"), e.getMessage());
    }

    @Test
    void savingSomethingAbsentNamesIt() throws IOException {
        PackageStore store = PackageStore.open(dir.resolve("store"));
        var e = assertThrows(NotFoundException.class,
                () -> LayoutArchive.save(store, List.of(Reference.parse("nope:1")), dir.resolve("x.tar")));
        assertTrue(e.getMessage().contains("docker.io/library/nope:1 is not in the store"), e.getMessage());
        assertTrue(Files.notExists(dir.resolve("x.tar")));
    }
}
