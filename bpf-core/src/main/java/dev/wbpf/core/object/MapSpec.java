package dev.wbpf.core.object;

import java.util.List;
import java.util.Objects;

/**
 * A map the object declares, from a BTF-defined {@code .maps} variable or the legacy {@code maps}
 * section, or the array map behind a global data section (see {@link GlobalDataSpec#asMapSpec}).
 *
 * @param name          the name in the object (the variable name; kernels see at most 15 chars)
 * @param btfKeyTypeId  BTF type id of the key in the object's BTF, 0 if unknown
 * @param btfValueTypeId BTF type id of the value, 0 if unknown
 * @param innerMap      the template of the inner maps of a map-in-map, else null
 * @param initialSlots  static initialisers of map-in-map or prog-array slots ({@code .values = {...}})
 * @param origin        where the definition came from
 */
public record MapSpec(String name, MapType type, int keySize, int valueSize, int maxEntries, int flags,
                      long mapExtra, int numaNode, Pinning pinning, int btfKeyTypeId, int btfValueTypeId,
                      MapSpec innerMap, List<SlotInitializer> initialSlots, Origin origin) {

    /** Where a map definition came from. */
    public enum Origin { BTF_MAPS, LEGACY_MAPS, GLOBAL_DATA }

    /** Slot {@code index} of this map initially holds the map or program named {@code target}. */
    public record SlotInitializer(int index, String target) {
    }

    public MapSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(pinning);
        initialSlots = List.copyOf(initialSlots);
    }
}
