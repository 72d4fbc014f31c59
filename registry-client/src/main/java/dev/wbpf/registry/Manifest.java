package dev.wbpf.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A manifest or index exactly as its bytes are (the digest is of these bytes), with its media
 * type. {@link #children()} reads the descriptors it points to.
 */
public record Manifest(String mediaType, byte[] content, Digest digest) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public Manifest {
        content = content.clone();
    }

    /** A manifest for {@code content}; the media type comes from its {@code mediaType} field if null. */
    public static Manifest of(String mediaType, byte[] content) {
        String type = mediaType;
        if (type == null) {
            type = parse(content).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
        }
        return new Manifest(type, content, Digest.sha256(content));
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public Descriptor descriptor() {
        JsonNode json = json();
        String artifactType = json.hasNonNull("artifactType") ? json.get("artifactType").asText()
                : json.path("config").hasNonNull("mediaType") && !isIndex() ? json.path("config").get("mediaType").asText()
                : null;
        return new Descriptor(mediaType, digest, content.length, artifactType, null);
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    public JsonNode json() {
        return parse(content);
    }

    /** For an index, its manifests; for a manifest, its config then its layers. */
    public List<Descriptor> children() {
        JsonNode json = json();
        List<Descriptor> out = new ArrayList<>();
        if (isIndex()) {
            json.path("manifests").forEach(d -> out.add(Descriptor.fromJson(d)));
        } else {
            if (json.has("config")) {
                out.add(Descriptor.fromJson(json.get("config")));
            }
            json.path("layers").forEach(d -> out.add(Descriptor.fromJson(d)));
        }
        return out;
    }

    /** The {@code subject} this manifest refers to (OCI 1.1 referrers), if any. */
    public Optional<Descriptor> subject() {
        JsonNode subject = json().get("subject");
        return subject == null || subject.isNull() ? Optional.empty() : Optional.of(Descriptor.fromJson(subject));
    }

    private static JsonNode parse(byte[] content) {
        try {
            return JSON.readTree(content);
        } catch (IOException e) {
            throw new UncheckedIOException("manifest is not JSON: " + e.getMessage(), e);
        }
    }
}
