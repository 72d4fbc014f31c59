package dev.wbpf.registry.testing;

import dev.wbpf.packaging.Digest;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.RawManifest;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.registry.BlobSink;
import dev.wbpf.registry.BlobSource;
import dev.wbpf.registry.ContentSource;
import dev.wbpf.registry.ContentTarget;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Blobs and manifests in memory, as a source to push from and a target to pull into. */
public final class MemoryContent implements ContentSource, ContentTarget {
    public final Map<Digest, byte[]> blobs = new ConcurrentHashMap<>();

    public Descriptor add(String mediaType, byte[] content) {
        Descriptor d = Descriptor.of(mediaType, content);
        blobs.put(d.digest(), content.clone());
        return d;
    }

    /** An OCI manifest with an artifact type, a small JSON config and the given layers (added to this store). */
    public RawManifest artifact(String artifactType, byte[]... layers) {
        Descriptor config = add("application/vnd.wbpf.test.config.v1+json",
                ("{\"name\":\"" + artifactType + "\"}").getBytes(StandardCharsets.UTF_8));
        List<String> layerJson = new ArrayList<>();
        for (byte[] layer : layers) {
            Descriptor d = add("application/vnd.wbpf.test.layer.v1", layer);
            layerJson.add(json(d));
        }
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s","artifactType":"%s","config":%s,"layers":[%s]}"""
                .formatted(MediaTypes.OCI_MANIFEST, artifactType, json(config), String.join(",", layerJson));
        RawManifest m = RawManifest.of(MediaTypes.OCI_MANIFEST, manifest.getBytes(StandardCharsets.UTF_8));
        blobs.put(m.digest(), m.content());
        return m;
    }

    public static String json(Descriptor d) {
        return "{\"mediaType\":\"" + d.mediaType() + "\",\"digest\":\"" + d.digest() + "\",\"size\":" + d.size() + "}";
    }

    @Override
    public BlobSource blob(Descriptor descriptor) throws IOException {
        byte[] content = blobs.get(descriptor.digest());
        if (content == null) {
            throw new IOException("no blob " + descriptor.digest());
        }
        return BlobSource.of(content);
    }

    @Override
    public RawManifest manifest(Descriptor descriptor) throws IOException {
        return RawManifest.of(descriptor.mediaType(), blob(descriptor).open().readAllBytes());
    }

    @Override
    public boolean contains(Descriptor descriptor) {
        return blobs.containsKey(descriptor.digest());
    }

    @Override
    public BlobSink sink(Descriptor descriptor) {
        return new BlobSink() {
            private ByteArrayOutputStream buffer;

            @Override
            public OutputStream open() {
                buffer = new ByteArrayOutputStream();
                return buffer;
            }

            @Override
            public void commit() {
                blobs.put(descriptor.digest(), buffer.toByteArray());
            }

            @Override
            public void abort() {
                buffer = null;
            }
        };
    }
}
