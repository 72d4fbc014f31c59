package dev.wbpf.core.btf;

import dev.wbpf.core.BpfFormatException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Size and alignment of BTF types with libbpf's rules ({@code btf__resolve_size},
 * {@code btf__align_of}). The input may be corrupt, so every walk is bounded: chains of
 * typedefs/modifiers/arrays stop after more steps than there are types (which can only mean a
 * cycle), and struct nesting is tracked so a struct that contains itself is reported, not recursed
 * into forever.
 */
final class BtfLayout {
    private static final long U32_MAX = 0xffff_ffffL;
    /** Deeper struct-in-struct nesting than this is not C a compiler produced; stop before the stack does. */
    private static final int MAX_NESTING = 512;

    private final Btf btf;
    private final Map<Integer, Integer> alignments = new HashMap<>();
    private final Set<Integer> inProgress = new HashSet<>();

    BtfLayout(Btf btf) {
        this.btf = btf;
    }

    long sizeOf(int id) {
        long count = 1;
        int current = id;
        for (int steps = 0; steps <= btf.typeCount(); steps++) {
            BtfType type = btf.type(current);
            long size;
            switch (type) {
                case BtfType.Int t -> size = t.size();
                case BtfType.Composite t -> size = t.size();
                case BtfType.Enum t -> size = t.size();
                case BtfType.Enum64 t -> size = t.size();
                case BtfType.DataSec t -> size = t.size();
                case BtfType.Float t -> size = t.size();
                case BtfType.Ptr _ -> size = btf.pointerSize();
                case BtfType.Array t -> {
                    if (t.elementCount() != 0 && count > U32_MAX / t.elementCount()) {
                        throw fail("size of type [" + id + "] overflows 32 bits");
                    }
                    count *= t.elementCount();
                    current = t.elementTypeId();
                    continue;
                }
                case BtfType.Typedef t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.Volatile t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.Const t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.Restrict t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.TypeTag t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.Var t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.DeclTag t -> {
                    current = t.typeId();
                    continue;
                }
                case BtfType.Void _, BtfType.Fwd _, BtfType.Func _, BtfType.FuncProto _ ->
                        throw fail("type [" + id + "] has no size: it is (or leads to) " + type.kind() + " [" + current + "]");
            }
            if (count != 0 && size > U32_MAX / count) {
                throw fail("size of type [" + id + "] overflows 32 bits");
            }
            return count * size;
        }
        throw cycle(id);
    }

    int skipModifiersAndTypedefs(int id) {
        int current = id;
        for (int steps = 0; steps <= btf.typeCount(); steps++) {
            switch (btf.type(current)) {
                case BtfType.Typedef t -> current = t.typeId();
                case BtfType.Volatile t -> current = t.typeId();
                case BtfType.Const t -> current = t.typeId();
                case BtfType.Restrict t -> current = t.typeId();
                case BtfType.TypeTag t -> current = t.typeId();
                default -> {
                    return current;
                }
            }
        }
        throw cycle(id);
    }

    int alignOf(int id) {
        return alignOf(id, 0);
    }

    private int alignOf(int id, int nesting) {
        // Arrays and modifiers take the alignment of what they wrap; only composites branch.
        int current = id;
        for (int steps = 0; steps <= btf.typeCount(); steps++) {
            BtfType type = btf.type(current);
            switch (type) {
                case BtfType.Int t -> {
                    return scalarAlignment(t.size());
                }
                case BtfType.Enum t -> {
                    return scalarAlignment(t.size());
                }
                case BtfType.Enum64 t -> {
                    return scalarAlignment(t.size());
                }
                case BtfType.Float t -> {
                    return scalarAlignment(t.size());
                }
                case BtfType.Ptr _ -> {
                    return btf.pointerSize();
                }
                case BtfType.Array t -> current = t.elementTypeId();
                case BtfType.Typedef t -> current = t.typeId();
                case BtfType.Volatile t -> current = t.typeId();
                case BtfType.Const t -> current = t.typeId();
                case BtfType.Restrict t -> current = t.typeId();
                case BtfType.TypeTag t -> current = t.typeId();
                case BtfType.Composite t -> {
                    return compositeAlignment(current, t, nesting);
                }
                default -> throw fail("type [" + id + "] has no alignment: it is (or leads to) " + type.kind() + " [" + current + "]");
            }
        }
        throw cycle(id);
    }

    private int scalarAlignment(long size) {
        return (int) Math.min(btf.pointerSize(), size);
    }

    private int compositeAlignment(int id, BtfType.Composite composite, int nesting) {
        Integer known = alignments.get(id);
        if (known != null) {
            return known;
        }
        if (!inProgress.add(id)) {
            throw fail("type [" + id + "] " + composite.kind() + " contains itself (type reference cycle)");
        }
        if (nesting > MAX_NESTING) {
            throw fail("type [" + id + "] is nested more than " + MAX_NESTING + " structs/unions deep");
        }
        int alignment = computeCompositeAlignment(composite, nesting);
        inProgress.remove(id);
        alignments.put(id, alignment);
        return alignment;
    }

    private int computeCompositeAlignment(BtfType.Composite composite, int nesting) {
        int max = 1;
        for (BtfType.Member member : composite.members()) {
            int alignment = alignOf(member.typeId(), nesting + 1);
            if (alignment <= 0) {
                throw fail("member '" + member.name() + "' has alignment " + alignment);
            }
            max = Math.max(max, alignment);
            // A member at an offset its type's alignment does not allow means the struct is packed.
            // Bitfields sit at any bit, so only whole members tell.
            if (!member.isBitfield() && member.bitOffset() % (8L * alignment) != 0) {
                return 1;
            }
        }
        // Likewise a size that is not a multiple of the alignment.
        return composite.size() % max != 0 ? 1 : max;
    }

    private BpfFormatException cycle(int id) {
        return fail("type reference cycle reached from type [" + id + "]");
    }

    private BpfFormatException fail(String problem) {
        return new BpfFormatException(btf.source(), problem);
    }
}
