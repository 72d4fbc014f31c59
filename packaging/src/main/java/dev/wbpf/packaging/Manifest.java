package dev.wbpf.packaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An OCI image manifest (image-spec v1.1: {@code artifactType} and {@code subject} included). */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"schemaVersion", "mediaType", "artifactType", "config", "layers", "subject", "annotations"})
public record Manifest(int schemaVersion, String mediaType, String artifactType, Descriptor config,
                       List<Descriptor> layers, Descriptor subject, Map<String, String> annotations) {

    public Manifest {
        if (config == null) {
            throw new PackagingException("manifest without a config descriptor");
        }
        layers = layers == null ? List.of() : List.copyOf(layers);
        annotations = annotations == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** A v1.1 image manifest with the OCI media type. */
    public static Manifest of(String artifactType, Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
        return new Manifest(2, MediaTypes.OCI_MANIFEST, artifactType, config, layers, null, annotations);
    }

    /** The first layer of the given media type. */
    public Optional<Descriptor> layer(String layerMediaType) {
        return layers.stream().filter(l -> l.mediaType().equals(layerMediaType)).findFirst();
    }

    public String annotation(String key) {
        return annotations.get(key);
    }

    /** The type of artifact this is: {@code artifactType}, else the config's media type (as the distribution spec says). */
    public String effectiveArtifactType() {
        return artifactType != null ? artifactType : config.mediaType();
    }
}
