package dev.wbpf.vm.map;

import dev.wbpf.core.object.MapSpec;
import dev.wbpf.core.object.MapType;
import java.util.Objects;

/**
 * What a VM map is created from: the attributes of {@code BPF_MAP_CREATE}.
 *
 * @param innerMap template of the inner maps of a map-in-map, else null
 */
public record MapDefinition(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
                            MapDefinition innerMap) {
    public MapDefinition {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
    }

    public static MapDefinition of(String name, MapType type, int keySize, int valueSize, int maxEntries) {
        return new MapDefinition(name, type, keySize, valueSize, maxEntries, 0, null);
    }

    public static MapDefinition from(MapSpec spec) {
        return new MapDefinition(spec.name(), spec.type(), spec.keySize(), spec.valueSize(), spec.maxEntries(),
                spec.flags(), spec.innerMap() == null ? null : from(spec.innerMap()));
    }
}
