package dev.wbpf.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout eunomia-bpf's ecli pushes and pulls: one uncompressed Wasm layer, a wasm config. */
class EcliLayoutTest {
    @TempDir
    Path dir;

    /** Writes a package the way ecli (wasm-to-oci) lays it out, as a pull would store it. */
    static Descriptor ecliPackage(PackageStore store, String ref, byte[] module) throws IOException {
        Descriptor config = store.putBlob(MediaTypes.ECLI_CONFIG, "{}".getBytes(StandardCharsets.UTF_8));
        Descriptor layer = store.putBlob(MediaTypes.ECLI_LAYER, module);
        Manifest m = new Manifest(2, MediaTypes.OCI_MANIFEST, null, config, List.of(layer), null, Map.of());
        return store.tag(Reference.parse(ref), store.putManifest(m));
    }

    @Test
    void moduleOfAnEcliPackageIsItsLayer() throws IOException {
        PackageStore store = PackageStore.open(dir);
        byte[] module = Fixtures.module("from ecli");
        ecliPackage(store, "ghcr.io/eunomia-bpf/sigsnoop:latest", module);
        assertArrayEquals(module, Packages.module(store, Reference.parse("ghcr.io/eunomia-bpf/sigsnoop")));
        var inspection = Packages.inspect(store, Reference.parse("ghcr.io/eunomia-bpf/sigsnoop"));
        assertEquals(Packages.Layout.ECLI, inspection.layout());
        assertNull(inspection.config());
    }

    @Test
    void wbpfPackageConvertsToTheEcliLayout() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Fixtures.build(store, "demo:1", "convert me");
        Descriptor ecli = Packages.toEcli(store, Reference.parse("demo:1"));
        Manifest m = store.manifest(ecli);
        assertEquals(MediaTypes.ECLI_CONFIG, m.config().mediaType());
        assertEquals(1, m.layers().size());
        assertEquals(MediaTypes.ECLI_LAYER, m.layers().getFirst().mediaType());
        assertArrayEquals(Fixtures.module("convert me"), store.blob(m.layers().getFirst().digest()), "uncompressed");
        assertEquals(Packages.Layout.ECLI, Packages.layout(m, "x"));
        assertArrayEquals(Fixtures.module("convert me"), Packages.module(store, m, "converted"));
    }

    @Test
    void somethingElseIsNotAPackage() throws IOException {
        PackageStore store = PackageStore.open(dir);
        Descriptor config = store.putBlob("application/vnd.oci.image.config.v1+json", "{}".getBytes(StandardCharsets.UTF_8));
        Descriptor layer = store.putBlob("application/vnd.oci.image.layer.v1.tar+gzip", new byte[] {1, 2, 3});
        store.tag(Reference.parse("busybox:1"), store.putManifest(Manifest.of(null, config, List.of(layer), null)));
        var e = assertThrows(PackagingException.class, () -> Packages.module(store, Reference.parse("busybox:1")));
        assertTrue(e.getMessage().contains("is not a wbpf or ecli package"), e.getMessage());
        assertTrue(e.getMessage().contains("application/vnd.oci.image.layer.v1.tar+gzip"), e.getMessage());
    }
}
