package dev.wbpf.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A manifest or index exactly as its bytes are (its digest is of these bytes), with its media
 * type: what moves between a registry and the store. {@link #children()} reads the descriptors it
 * points to; {@link #manifest()} and {@link #index()} parse it into the models.
 */
public record RawManifest(String mediaType, byte[] content, Digest digest) {

    public RawManifest {
        content = content.clone();
    }

    /** The manifest for {@code content}; the media type comes from its {@code mediaType} field if null. */
    public static RawManifest of(String mediaType, byte[] content) {
        String type = mediaType;
        if (type == null) {
            type = parse(content).path("mediaType").asText(MediaTypes.OCI_MANIFEST);
        }
        return new RawManifest(type, content, Digest.of(content));
    }

    @Override
    public byte[] content() {
        return content.clone();
    }

    public long size() {
        return content.length;
    }

    /** Its descriptor, with the {@code artifactType} a referrers listing shows. */
    public Descriptor descriptor() {
        JsonNode json = json();
        String artifactType = json.hasNonNull("artifactType") ? json.get("artifactType").asText()
                : json.path("config").hasNonNull("mediaType") && !isIndex() ? json.path("config").get("mediaType").asText()
                : null;
        return new Descriptor(mediaType, artifactType, digest, content.length, null, null, null, null);
    }

    public boolean isIndex() {
        return MediaTypes.isIndex(mediaType);
    }

    public JsonNode json() {
        return parse(content);
    }

    /** The image manifest model (an index is refused). */
    public Manifest manifest() {
        if (isIndex()) {
            throw new PackagingException("manifest " + digest + " is an index (" + mediaType + "), not an image manifest");
        }
        return Json.read(content, Manifest.class, "manifest " + digest);
    }

    /** The index model (an image manifest is refused). */
    public Index index() {
        if (!isIndex()) {
            throw new PackagingException("manifest " + digest + " is an image manifest (" + mediaType + "), not an index");
        }
        return Json.read(content, Index.class, "index " + digest);
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
            return Json.MAPPER.readTree(content);
        } catch (IOException e) {
            throw new PackagingException("manifest is not JSON: " + e.getMessage(), e);
        }
    }
}
