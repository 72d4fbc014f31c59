package dev.wbpf.packaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OCI content descriptor: what a blob is, its digest and size, and optional annotations.
 * {@code platform} and {@code urls} are kept as read so that index.json entries written by other
 * tools survive a rewrite.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"mediaType", "artifactType", "digest", "size", "urls", "annotations", "data", "platform"})
public record Descriptor(String mediaType, String artifactType, Digest digest, long size, List<String> urls,
                         Map<String, String> annotations, String data, Map<String, Object> platform) {

    public Descriptor {
        Objects.requireNonNull(mediaType, "descriptor without mediaType");
        Objects.requireNonNull(digest, "descriptor without digest");
        if (size < 0) {
            throw new PackagingException("descriptor of " + digest + " has a negative size " + size);
        }
        urls = urls == null ? List.of() : List.copyOf(urls);
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
        platform = platform == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(platform));
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, null, digest, size, null, null, null, null);
    }

    /** The descriptor of {@code content} with media type {@code mediaType}. */
    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, Digest.of(content), content.length);
    }

    /** Reads a descriptor from a JSON tree (a manifest's config or layer, an index entry, a referrer). */
    public static Descriptor fromJson(JsonNode node) {
        if (node == null || !node.isObject() || !node.hasNonNull("digest") || !node.hasNonNull("size")) {
            throw new PackagingException("not a descriptor: " + node);
        }
        try {
            return Json.MAPPER.treeToValue(node, Descriptor.class);
        } catch (JsonProcessingException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            throw new PackagingException("not a descriptor (" + root.getMessage() + "): " + node, e);
        }
    }

    /** This descriptor as a JSON tree, as it is written in manifests. */
    public ObjectNode toJson() {
        return Json.MAPPER.valueToTree(this);
    }

    /** This descriptor with {@code key} set to {@code value} in its annotations. */
    public Descriptor withAnnotation(String key, String value) {
        Map<String, String> a = new LinkedHashMap<>(annotations);
        a.put(key, value);
        return new Descriptor(mediaType, artifactType, digest, size, urls, a, data, platform);
    }

    public Descriptor withAnnotations(Map<String, String> newAnnotations) {
        return new Descriptor(mediaType, artifactType, digest, size, urls, newAnnotations, data, platform);
    }

    public Descriptor withArtifactType(String type) {
        return new Descriptor(mediaType, type, digest, size, urls, annotations, data, platform);
    }

    /** An annotation's value, or null. */
    public String annotation(String key) {
        return annotations.get(key);
    }
}
