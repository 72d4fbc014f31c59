package dev.wbpf.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OCI content descriptor: what a manifest says about a blob or another manifest.
 *
 * @param artifactType null unless set
 * @param annotations  never null; empty when there are none
 */
public record Descriptor(String mediaType, Digest digest, long size, String artifactType, Map<String, String> annotations) {

    public Descriptor {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + digest);
        }
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public Descriptor(String mediaType, Digest digest, long size) {
        this(mediaType, digest, size, null, Map.of());
    }

    /** The descriptor of {@code content} with media type {@code mediaType}. */
    public static Descriptor of(String mediaType, byte[] content) {
        return new Descriptor(mediaType, Digest.sha256(content), content.length);
    }

    public static Descriptor fromJson(JsonNode node) {
        if (node == null || !node.isObject() || !node.hasNonNull("digest") || !node.hasNonNull("size")) {
            throw new IllegalArgumentException("not a descriptor: " + node);
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonNode ann = node.get("annotations");
        if (ann != null && ann.isObject()) {
            ann.properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
        }
        return new Descriptor(node.path("mediaType").asText(null), Digest.parse(node.get("digest").asText()),
                node.get("size").asLong(), node.hasNonNull("artifactType") ? node.get("artifactType").asText() : null,
                annotations);
    }

    public ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        if (mediaType != null) {
            node.put("mediaType", mediaType);
        }
        node.put("digest", digest.toString());
        node.put("size", size);
        if (artifactType != null) {
            node.put("artifactType", artifactType);
        }
        if (!annotations.isEmpty()) {
            ObjectNode ann = node.putObject("annotations");
            annotations.forEach(ann::put);
        }
        return node;
    }
}
