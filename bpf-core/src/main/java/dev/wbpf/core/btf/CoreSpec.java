package dev.wbpf.core.btf;

import java.util.ArrayList;
import java.util.List;

/**
 * A CO-RE access path resolved in one BTF: the root type, the accessors walked from it (array
 * indices and named members; anonymous members are crossed without an accessor, as libbpf does)
 * and the bit offset reached. For the program's BTF it comes from the access string; for the
 * kernel's it comes from matching the local spec against a candidate type.
 *
 * @param accessors  the first is the index into the root (pointer arithmetic); then one per step
 * @param bitOffset  bit offset of the field from the root's start (field relocations)
 * @param enumValue  the enumerator's value (enum relocations)
 */
record CoreSpec(Btf btf, int rootTypeId, List<Accessor> accessors, long bitOffset, long enumValue) {

    /**
     * One step: {@code typeId} is the container (struct/union/enum) for named accessors or the
     * element type for array steps; {@code name} is null for array steps and the root index.
     */
    record Accessor(int typeId, int index, String name) {}

    Accessor last() {
        return accessors.getLast();
    }

    /** Parses the access string of a field relocation ("0:1:2") against the local BTF. */
    static CoreSpec parseField(Btf btf, int rootId, int[] raw) {
        List<Accessor> accessors = new ArrayList<>();
        int id = rootId;
        long size = btf.sizeOf(rootId);
        long bitOffset = raw[0] * size * 8;
        accessors.add(new Accessor(rootId, raw[0], null));
        for (int i = 1; i < raw.length; i++) {
            int resolved = btf.resolve(id);
            BtfType t = btf.type(resolved);
            int index = raw[i];
            if (t instanceof BtfType.Composite c) {
                if (index >= c.members().size()) {
                    throw new CoreException("access index " + index + " beyond members of " + describe(btf, resolved));
                }
                BtfType.Member m = c.members().get(index);
                bitOffset += m.bitOffset();
                if (!m.name().isEmpty()) {
                    accessors.add(new Accessor(resolved, index, m.name()));
                }
                id = m.typeId();
            } else if (t instanceof BtfType.Array a) {
                int element = btf.resolve(a.elementTypeId());
                boolean flex = a.elementCount() == 0;
                if (!flex && index >= a.elementCount()) {
                    throw new CoreException("array index " + index + " beyond " + a.elementCount() + " elements");
                }
                accessors.add(new Accessor(element, index, null));
                bitOffset += index * btf.sizeOf(element) * 8;
                id = element;
            } else {
                throw new CoreException("cannot step into " + describe(btf, resolved) + " with access string index " + i);
            }
        }
        return new CoreSpec(btf, rootId, List.copyOf(accessors), bitOffset, 0);
    }

    /** Parses an enumerator relocation's access string (the enumerator's index). */
    static CoreSpec parseEnum(Btf btf, int rootId, int[] raw) {
        BtfType t = btf.type(btf.resolve(rootId));
        List<BtfType.Enumerator> values = enumerators(t);
        if (values == null || raw.length != 1 || raw[0] >= values.size()) {
            throw new CoreException("enum relocation on " + describe(btf, rootId) + " with bad access string");
        }
        BtfType.Enumerator e = values.get(raw[0]);
        return new CoreSpec(btf, rootId, List.of(new Accessor(btf.resolve(rootId), raw[0], e.name())), 0, e.value());
    }

    static List<BtfType.Enumerator> enumerators(BtfType t) {
        return switch (t) {
            case BtfType.Enum e -> e.values();
            case BtfType.Enum64 e -> e.values();
            default -> null;
        };
    }

    static String describe(Btf btf, int id) {
        BtfType t = btf.type(id);
        return t.kind().name().toLowerCase(java.util.Locale.ROOT) + " '" + t.name() + "' [" + id + "]";
    }
}
