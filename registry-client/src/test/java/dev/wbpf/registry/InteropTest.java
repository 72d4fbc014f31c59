package dev.wbpf.registry;

import dev.wbpf.packaging.Reference;
import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import dev.wbpf.packaging.MediaTypes;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wbpf.registry.testing.MemoryContent;
import dev.wbpf.registry.testing.RegistryServer;
import dev.wbpf.registry.testing.RegistryTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.LocalPath;
import land.oras.Registry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two independent OCI clients, oras-java and skopeo, read what we push and we read what they push. */
@RegistryTest
class InteropTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static RegistryServer registry;
    static RegistryClient client;

    @BeforeAll
    static void start() throws IOException {
        registry = RegistryServer.startPlain(dir.resolve("registry"));
        client = RegistryClient.builder().plainHttp(registry.address()).retry(RetryPolicy.none()).build();
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            registry.close();
        }
    }

    private Reference ref(String rest) {
        return Reference.parse(registry.address() + "/" + rest);
    }

    private Registry oras() {
        return Registry.builder().insecure().build();
    }

    @Test
    void orasJavaPushesWePull() throws IOException {
        Path file = dir.resolve("module.wasm");
        byte[] content = PlainRegistryTest.random(10_000, 11);
        Files.write(file, content);
        land.oras.Manifest pushed = oras().pushArtifact(ContainerRef.parse(registry.address() + "/oras/pushed:v1"),
                ArtifactType.from("application/vnd.wbpf.test"), Annotations.empty(), Config.empty(), LocalPath.of(file));

        MemoryContent pulled = new MemoryContent();
        RawManifest manifest = client.pull(ref("oras/pushed:v1"), pulled);
        assertEquals(pushed.getDescriptor().getDigest(), manifest.digest().toString());
        Descriptor layer = manifest.children().getLast();
        assertArrayEquals(content, pulled.blobs.get(layer.digest()));
        assertEquals("module.wasm", layer.annotations().get("org.opencontainers.image.title"));
    }

    @Test
    void wePushOrasJavaPulls() throws IOException {
        MemoryContent local = new MemoryContent();
        byte[] content = PlainRegistryTest.random(7000, 12);
        RawManifest manifest = local.artifact("application/vnd.wbpf.test", content);
        client.push(ref("oras/ours:v1"), manifest, local, null);

        Registry oras = oras();
        ContainerRef ref = ContainerRef.parse(registry.address() + "/oras/ours:v1");
        land.oras.Manifest theirs = oras.getManifest(ref);
        assertEquals("application/vnd.wbpf.test", theirs.getArtifactType().getMediaType());
        String layerDigest = theirs.getLayers().getFirst().getDigest();
        assertEquals(manifest.children().getLast().digest().toString(), layerDigest);
        Path fetched = dir.resolve("oras-fetched");
        oras.fetchBlob(ref.withDigest(layerDigest), fetched);
        assertArrayEquals(content, Files.readAllBytes(fetched));
    }

    private static String skopeo() {
        return RegistryServer.tool("skopeo");
    }

    /** A small real image (a one-file tar layer and its config) in memory. */
    private static RawManifest image(MemoryContent content, String text) throws IOException {
        Path src = Files.createTempDirectory(dir, "layer");
        Files.writeString(src.resolve("hello.txt"), text);
        Path tar = src.resolveSibling(src.getFileName() + ".tar");
        RegistryServer.run(List.of("tar", "--format=ustar", "--mtime=@0", "--owner=0", "--group=0", "-cf", tar.toString(),
                "-C", src.toString(), "hello.txt"), null);
        byte[] layerBytes = Files.readAllBytes(tar);
        Descriptor layer = content.add("application/vnd.oci.image.layer.v1.tar", layerBytes);
        Descriptor config = content.add("application/vnd.oci.image.config.v1+json", ("{\"architecture\":\"amd64\",\"os\":\"linux\","
                + "\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" + layer.digest() + "\"]}}")
                .getBytes(StandardCharsets.UTF_8));
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":"
                + MemoryContent.json(config) + ",\"layers\":[" + MemoryContent.json(layer) + "]}";
        RawManifest manifest = RawManifest.of(MediaTypes.OCI_MANIFEST, json.getBytes(StandardCharsets.UTF_8));
        content.blobs.put(manifest.digest(), manifest.content());
        return manifest;
    }

    /** Writes an OCI image layout with one tagged manifest. */
    private static void writeLayout(Path layout, MemoryContent content, RawManifest manifest, String tag) throws IOException {
        Path blobs = layout.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        for (var e : content.blobs.entrySet()) {
            Files.write(blobs.resolve(e.getKey().encoded()), e.getValue());
        }
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"" + manifest.mediaType()
                + "\",\"digest\":\"" + manifest.digest() + "\",\"size\":" + manifest.content().length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + tag + "\"}}]}");
    }

    @Test
    void skopeoCopiesInWePull() throws IOException {
        String skopeo = skopeo();
        MemoryContent content = new MemoryContent();
        RawManifest manifest = image(content, "from skopeo");
        Path layout = dir.resolve("skopeo-in");
        writeLayout(layout, content, manifest, "v1");
        RegistryServer.run(List.of(skopeo, "--insecure-policy", "copy", "--preserve-digests", "--dest-tls-verify=false",
                "oci:" + layout + ":v1", "docker://" + registry.address() + "/skopeo/in:v1"), null);

        MemoryContent pulled = new MemoryContent();
        RawManifest got = client.pull(ref("skopeo/in:v1"), pulled);
        assertEquals(manifest.digest(), got.digest());
        for (Descriptor d : manifest.children()) {
            assertArrayEquals(content.blobs.get(d.digest()), pulled.blobs.get(d.digest()));
        }

        // The same image as a Docker v2 schema 2 manifest: its media types are accepted too.
        RegistryServer.run(List.of(skopeo, "--insecure-policy", "copy", "--format", "v2s2", "--dest-tls-verify=false",
                "oci:" + layout + ":v1", "docker://" + registry.address() + "/skopeo/in:docker"), null);
        MemoryContent docker = new MemoryContent();
        RawManifest v2s2 = client.pull(ref("skopeo/in:docker"), docker);
        assertEquals(MediaTypes.DOCKER_MANIFEST, v2s2.mediaType());
        for (Descriptor d : v2s2.children()) {
            assertTrue(docker.blobs.containsKey(d.digest()), d.toString());
        }
    }

    @Test
    void wePushSkopeoInspectsAndCopiesOut() throws IOException {
        String skopeo = skopeo();
        MemoryContent content = new MemoryContent();
        RawManifest manifest = image(content, "from wbpf");
        client.push(ref("skopeo/out:v1"), manifest, content, null);

        JsonNode inspect = JSON.readTree(RegistryServer.run(List.of(skopeo, "--insecure-policy", "inspect", "--tls-verify=false",
                "docker://" + registry.address() + "/skopeo/out:v1"), null));
        assertEquals(manifest.digest().toString(), inspect.path("Digest").asText());

        Path layout = dir.resolve("skopeo-out");
        RegistryServer.run(List.of(skopeo, "--insecure-policy", "copy", "--preserve-digests", "--src-tls-verify=false",
                "docker://" + registry.address() + "/skopeo/out:v1", "oci:" + layout + ":v1"), null);
        JsonNode index = JSON.readTree(layout.resolve("index.json").toFile());
        assertEquals(manifest.digest().toString(), index.path("manifests").get(0).path("digest").asText());
        for (Descriptor d : manifest.children()) {
            Path blob = layout.resolve("blobs/sha256").resolve(d.digest().encoded());
            assertTrue(Files.exists(blob), d.toString());
            assertArrayEquals(content.blobs.get(d.digest()), Files.readAllBytes(blob));
        }
    }
}
