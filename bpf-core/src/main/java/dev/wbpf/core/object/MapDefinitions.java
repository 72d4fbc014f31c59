package dev.wbpf.core.object;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.elf.ElfFile;
import dev.wbpf.core.elf.ElfRelocation;
import dev.wbpf.core.elf.ElfSection;
import dev.wbpf.core.elf.ElfSymbol;
import dev.wbpf.core.io.ByteSlice;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Map definitions: BTF-defined ones in {@code .maps} (libbpf's {@code __uint}/{@code __type}/
 * {@code __array} encoding, where an integer attribute N is spelled as a pointer to an array of N
 * elements) and legacy {@code struct bpf_map_def} records in the {@code maps} section.
 */
final class MapDefinitions {
    static final String BTF_MAPS = ".maps";
    static final String LEGACY_MAPS = "maps";
    private static final int LEGACY_DEF_FIELDS = 5;

    private final ElfFile elf;
    private final Btf btf;
    /** For each maps section: map name by the offset of its symbol. */
    final Map<Integer, Map<Long, String>> namesByOffset = new LinkedHashMap<>();
    final List<MapSpec> maps = new ArrayList<>();

    private MapDefinitions(ElfFile elf, Btf btf) {
        this.elf = elf;
        this.btf = btf;
    }

    static MapDefinitions read(ElfFile elf, Btf btf) {
        MapDefinitions defs = new MapDefinitions(elf, btf);
        elf.section(BTF_MAPS).ifPresent(defs::readBtfMaps);
        elf.section(LEGACY_MAPS).ifPresent(defs::readLegacyMaps);
        return defs;
    }

    private void readBtfMaps(ElfSection section) {
        if (btf == null) {
            throw fail("section .maps declares BTF-defined maps, but the object has no .BTF section (compile with -g)");
        }
        BtfType.DataSec datasec = btf.dataSec(BTF_MAPS)
                .orElseThrow(() -> fail("BTF has no DATASEC for .maps, so its map definitions cannot be read"));
        Map<Long, String> names = new LinkedHashMap<>();
        Map<String, DatasecPlacement.PlacedVar> placement = new LinkedHashMap<>();
        Map<String, BtfType.Struct> definitions = new LinkedHashMap<>();
        for (DatasecPlacement.PlacedVar placed : DatasecPlacement.place(elf, section, btf, datasec)) {
            BtfType.Var var = placed.var();
            if (!(btf.type(btf.resolve(var.typeId())) instanceof BtfType.Struct def)) {
                throw fail("map " + var.name() + " in .maps is not defined by a struct");
            }
            names.put(placed.offset(), var.name());
            placement.put(var.name(), placed);
            definitions.put(var.name(), def);
        }
        namesByOffset.put(section.index(), names);
        Map<String, List<MapSpec.SlotInitializer>> slots = slotInitializers(section, placement, definitions);
        for (var entry : definitions.entrySet()) {
            maps.add(parseDefinition(entry.getKey(), entry.getValue(), slots.getOrDefault(entry.getKey(), List.of())));
        }
    }

    private MapSpec parseDefinition(String name, BtfType.Struct def, List<MapSpec.SlotInitializer> slots) {
        MapType type = MapType.UNSPEC;
        long keySize = -1;
        long valueSize = -1;
        long maxEntries = 0;
        long flags = 0;
        long mapExtra = 0;
        long numaNode = 0;
        Pinning pinning = Pinning.NONE;
        int keyType = 0;
        int valueType = 0;
        MapSpec inner = null;
        for (BtfType.Member member : def.members()) {
            switch (member.name()) {
                case "type" -> {
                    long value = intAttribute(name, member);
                    type = MapType.ofKernelValue(value);
                    if (type == null) {
                        throw fail("map " + name + " has unknown type " + value);
                    }
                }
                case "max_entries" -> maxEntries = intAttribute(name, member);
                case "map_flags" -> flags = intAttribute(name, member);
                case "map_extra" -> mapExtra = intAttribute(name, member);
                case "numa_node" -> numaNode = intAttribute(name, member);
                case "pinning" -> {
                    long value = intAttribute(name, member);
                    if (value > 1) {
                        throw fail("map " + name + " has unknown pinning " + value + " (0 none, 1 by name)");
                    }
                    pinning = Pinning.ofValue(value);
                }
                case "key_size" -> keySize = agree(name, "key", keySize, intAttribute(name, member));
                case "value_size" -> valueSize = agree(name, "value", valueSize, intAttribute(name, member));
                case "key" -> {
                    keyType = pointee(name, member);
                    keySize = agree(name, "key", keySize, btf.sizeOf(keyType));
                }
                case "value" -> {
                    valueType = pointee(name, member);
                    valueSize = agree(name, "value", valueSize, btf.sizeOf(valueType));
                }
                case "values" -> {
                    // __array(values, ...): an array of pointers to the inner map's definition, or to
                    // a function prototype for a program array.
                    if (!(btf.type(btf.resolve(member.typeId())) instanceof BtfType.Array array)
                            || !(btf.type(btf.resolve(array.elementTypeId())) instanceof BtfType.Ptr ptr)) {
                        throw fail("map " + name + ": values must be declared with __array(values, ...)");
                    }
                    BtfType target = btf.type(btf.resolve(ptr.typeId()));
                    if (target instanceof BtfType.Struct innerDef) {
                        inner = parseDefinition(name + ".inner", innerDef, List.of());
                    } else if (!(target instanceof BtfType.FuncProto)) {
                        throw fail("map " + name + ": values point to neither a map definition nor a function");
                    }
                    valueSize = agree(name, "value", valueSize, 4);
                }
                default -> throw fail("map " + name + " has unknown attribute " + member.name());
            }
        }
        if (type == MapType.UNSPEC) {
            throw fail("map " + name + " has no type");
        }
        if (type.isMapOfMaps() && inner == null) {
            throw fail("map " + name + " is a map of maps but declares no inner map with __array(values, ...)");
        }
        return new MapSpec(name, type, checkedInt(name, "key size", Math.max(keySize, 0)),
                checkedInt(name, "value size", Math.max(valueSize, 0)), checkedInt(name, "max_entries", maxEntries),
                (int) flags, mapExtra, (int) numaNode, pinning, keyType, valueType, inner, slots, MapSpec.Origin.BTF_MAPS);
    }

    /** {@code __uint(name, N)} is {@code int (*name)[N]}: the attribute is the array's length. */
    private long intAttribute(String map, BtfType.Member member) {
        if (btf.type(member.typeId()) instanceof BtfType.Ptr ptr
                && btf.type(ptr.typeId()) instanceof BtfType.Array array) {
            return array.elementCount();
        }
        throw fail("map " + map + ": attribute " + member.name() + " is not an __uint() (pointer to array)");
    }

    /** {@code __type(name, T)} is {@code T *name}. */
    private int pointee(String map, BtfType.Member member) {
        if (btf.type(member.typeId()) instanceof BtfType.Ptr ptr) {
            return ptr.typeId();
        }
        throw fail("map " + map + ": attribute " + member.name() + " is not a __type() (pointer)");
    }

    private long agree(String map, String what, long declared, long value) {
        if (declared >= 0 && declared != value) {
            throw fail("map " + map + ": " + what + " size " + declared + " disagrees with its type's size " + value);
        }
        return value;
    }

    private int checkedInt(String map, String what, long value) {
        if (value < 0 || value > 0xffff_ffffL) {
            throw fail("map " + map + ": " + what + " " + value + " is out of range");
        }
        return (int) value;
    }

    /** {@code .values = { [i] = &x }}: relocations in .maps at the i-th pointer of the values array. */
    private Map<String, List<MapSpec.SlotInitializer>> slotInitializers(
            ElfSection section, Map<String, DatasecPlacement.PlacedVar> placement,
            Map<String, BtfType.Struct> definitions) {
        Map<String, List<MapSpec.SlotInitializer>> result = new LinkedHashMap<>();
        for (ElfRelocation relocation : elf.relocationsFor(section)) {
            String owner = null;
            long valuesStart = 0;
            for (var entry : placement.entrySet()) {
                DatasecPlacement.PlacedVar placed = entry.getValue();
                if (relocation.offset() >= placed.offset() && relocation.offset() < placed.offset() + placed.size()) {
                    owner = entry.getKey();
                    valuesStart = placed.offset() + valuesOffset(owner, definitions.get(owner));
                }
            }
            if (owner == null || relocation.offset() < valuesStart || (relocation.offset() - valuesStart) % 8 != 0) {
                throw fail("relocation at .maps+" + relocation.offset() + " is not inside a map's values array");
            }
            if (relocation.symbolIndex() <= 0 || relocation.symbolIndex() >= elf.symbols().size()) {
                throw fail("relocation at .maps+" + relocation.offset() + " names no symbol");
            }
            String target = elf.symbol(relocation.symbolIndex()).name();
            result.computeIfAbsent(owner, k -> new ArrayList<>())
                    .add(new MapSpec.SlotInitializer((int) ((relocation.offset() - valuesStart) / 8), target));
        }
        return result;
    }

    private long valuesOffset(String map, BtfType.Struct def) {
        return def.members().stream().filter(m -> m.name().equals("values")).findFirst()
                .map(BtfType.Member::byteOffset)
                .orElseThrow(() -> fail("map " + map + " is initialised but has no values attribute"));
    }

    private void readLegacyMaps(ElfSection section) {
        List<ElfSymbol> symbols = new ArrayList<>(elf.symbolsIn(section).stream()
                .filter(s -> s.type() != ElfSymbol.STT_SECTION && !s.name().isEmpty()).toList());
        if (symbols.isEmpty()) {
            return;
        }
        symbols.sort(Comparator.comparingLong(ElfSymbol::value));
        long defSize = section.size() / symbols.size();
        if (defSize < LEGACY_DEF_FIELDS * 4L || section.size() % symbols.size() != 0) {
            throw fail("legacy maps section is " + section.size() + " bytes for " + symbols.size()
                    + " maps, not whole struct bpf_map_def records");
        }
        ByteSlice data = section.data();
        Map<Long, String> names = new LinkedHashMap<>();
        for (ElfSymbol symbol : symbols) {
            long at = symbol.value();
            String what = "legacy map " + symbol.name();
            long typeValue = data.u32(at, what);
            MapType type = MapType.ofKernelValue(typeValue);
            if (type == null) {
                throw fail(what + " has unknown type " + typeValue);
            }
            names.put(at, symbol.name());
            maps.add(new MapSpec(symbol.name(), type, data.i32(at + 4, what), data.i32(at + 8, what),
                    data.i32(at + 12, what), data.i32(at + 16, what), 0, 0, Pinning.NONE, 0, 0, null, List.of(),
                    MapSpec.Origin.LEGACY_MAPS));
        }
        namesByOffset.put(section.index(), names);
    }

    private BpfFormatException fail(String problem) {
        return new BpfFormatException(elf.source(), problem);
    }
}
