package dev.wbpf.core.btf;

import dev.wbpf.core.io.ByteSlice;
import java.util.List;

/**
 * Checks, once all types are decoded, that every type id a type refers to exists, that a FUNC
 * refers to a FUNC_PROTO, and that a DECL_TAG's component index is in range. After this, walking
 * the graph can only fail by looping, which the walkers detect themselves.
 */
final class BtfReferenceCheck {
    private final ByteSlice source;
    private final Btf btf;

    private BtfReferenceCheck(ByteSlice source, Btf btf) {
        this.source = source;
        this.btf = btf;
    }

    static void check(ByteSlice source, Btf btf) {
        new BtfReferenceCheck(source, btf).checkAll();
    }

    /** Checks one type, for BTF whose types are decoded on first use ({@link Btf#parseIndexed}). */
    static void checkOne(ByteSlice source, Btf btf, int id, BtfType type) {
        new BtfReferenceCheck(source, btf).checkType(id, type);
    }

    private void checkAll() {
        List<BtfType> own = btf.types();
        for (int i = 0; i < own.size(); i++) {
            int id = btf.firstTypeId() + i;
            checkType(id, own.get(i));
        }
    }

    private void checkType(int id, BtfType type) {
        switch (type) {
            case BtfType.Ptr t -> ref(id, t.typeId());
            case BtfType.Typedef t -> ref(id, t.typeId());
            case BtfType.Volatile t -> ref(id, t.typeId());
            case BtfType.Const t -> ref(id, t.typeId());
            case BtfType.Restrict t -> ref(id, t.typeId());
            case BtfType.TypeTag t -> ref(id, t.typeId());
            case BtfType.Var t -> ref(id, t.typeId());
            case BtfType.Array t -> {
                ref(id, t.elementTypeId());
                ref(id, t.indexTypeId());
            }
            case BtfType.Composite t -> t.members().forEach(m -> ref(id, m.typeId()));
            case BtfType.FuncProto t -> {
                ref(id, t.returnTypeId());
                t.params().forEach(p -> ref(id, p.typeId()));
            }
            case BtfType.DataSec t -> t.vars().forEach(v -> ref(id, v.typeId()));
            case BtfType.Func t -> {
                ref(id, t.protoTypeId());
                if (!(btf.type(t.protoTypeId()) instanceof BtfType.FuncProto)) {
                    throw source.fail("type [" + id + "] FUNC refers to type [" + t.protoTypeId() + "], which is not a FUNC_PROTO");
                }
            }
            case BtfType.DeclTag t -> checkDeclTag(id, t);
            case BtfType.Int _, BtfType.Enum _, BtfType.Enum64 _, BtfType.Fwd _, BtfType.Float _, BtfType.Void _ -> {}
        }
    }

    private void checkDeclTag(int id, BtfType.DeclTag tag) {
        ref(id, tag.typeId());
        int index = tag.componentIndex();
        if (index == -1) {
            return;
        }
        int components = switch (btf.type(tag.typeId())) {
            case BtfType.Composite c -> c.members().size();
            case BtfType.Func f -> btf.type(f.protoTypeId()) instanceof BtfType.FuncProto p ? p.params().size() : 0;
            default -> 0;
        };
        if (index < 0 || index >= components) {
            throw source.fail("type [" + id + "] DECL_TAG component index " + index
                    + " does not name a member or parameter of type [" + tag.typeId() + "]");
        }
    }

    private void ref(int id, int target) {
        if (target >= btf.typeCount()) {
            throw source.fail("type [" + id + "] refers to type [" + target + "], but the last type is ["
                    + (btf.typeCount() - 1) + "]");
        }
    }
}
