package dev.wbpf.packaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
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
