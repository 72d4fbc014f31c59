package dev.wbpf.core.btf;

import java.util.List;

/**
 * Type comparisons between the program's BTF and the kernel's, with libbpf's CO-RE meanings:
 * "compatible" is loose (kinds agree, pointers and arrays recurse, ints of any size match) and is
 * what field and type-id relocations use; "matches" is stricter (TYPE_MATCHES, bpf_core_type_matches).
 */
final class CoreTypes {
    private static final int MAX_DEPTH = 32;

    private CoreTypes() {}

    /** The name without a {@code ___flavour} suffix: {@code task_struct___old} → {@code task_struct}. */
    static String essentialName(String name) {
        int at = name.indexOf("___");
        return at > 0 ? name.substring(0, at) : name;
    }

    /** Kinds that may stand in for each other when looking up candidates. */
    static boolean kindsCompatible(BtfKind local, BtfKind target) {
        if (local == target) {
            return true;
        }
        boolean localEnum = local == BtfKind.ENUM || local == BtfKind.ENUM64;
        boolean targetEnum = target == BtfKind.ENUM || target == BtfKind.ENUM64;
        return localEnum && targetEnum;
    }

    /** libbpf's bpf_core_fields_are_compat: whether a field of local type may be read as the target's. */
    static boolean fieldsCompatible(Btf local, int localId, Btf target, int targetId) {
        for (int depth = 0; depth < MAX_DEPTH; depth++) {
            BtfType l = local.type(local.resolve(localId));
            BtfType t = target.type(target.resolve(targetId));
            if (l instanceof BtfType.Composite && t instanceof BtfType.Composite) {
                return true;
            }
            if (!kindsCompatible(l.kind(), t.kind())) {
                return false;
            }
            switch (l) {
                case BtfType.Ptr p -> {
                    return true;
                }
                case BtfType.Fwd f -> {
                    return true;
                }
                case BtfType.Float f -> {
                    return true;
                }
                case BtfType.Enum e -> {
                    return true;
                }
                case BtfType.Enum64 e -> {
                    return true;
                }
                case BtfType.Int li -> {
                    BtfType.Int ti = (BtfType.Int) t;
                    return li.bitOffset() == 0 && ti.bitOffset() == 0;
                }
                case BtfType.Array la -> {
                    localId = la.elementTypeId();
                    targetId = ((BtfType.Array) t).elementTypeId();
                }
                default -> {
                    return false;
                }
            }
        }
        return false;
    }

    /** libbpf's bpf_core_types_are_compat: used for type-based relocations and candidate checks. */
    static boolean typesCompatible(Btf local, int localId, Btf target, int targetId) {
        return typesCompatible(local, localId, target, targetId, 0);
    }

    private static boolean typesCompatible(Btf local, int localId, Btf target, int targetId, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        BtfType l = local.type(local.resolve(localId));
        BtfType t = target.type(target.resolve(targetId));
        if (!kindsCompatible(l.kind(), t.kind())) {
            return false;
        }
        return switch (l) {
            case BtfType.Void v -> true;
            case BtfType.Composite c -> true;
            case BtfType.Fwd f -> true;
            case BtfType.Enum e -> true;
            case BtfType.Enum64 e -> true;
            case BtfType.Float f -> true;
            case BtfType.Int li -> li.bitOffset() == 0 && ((BtfType.Int) t).bitOffset() == 0;
            case BtfType.Ptr p -> typesCompatible(local, p.typeId(), target, ((BtfType.Ptr) t).typeId(), depth + 1);
            case BtfType.Array a -> typesCompatible(local, a.elementTypeId(), target,
                    ((BtfType.Array) t).elementTypeId(), depth + 1);
            case BtfType.FuncProto lp -> {
                BtfType.FuncProto tp = (BtfType.FuncProto) t;
                if (lp.params().size() != tp.params().size()) {
                    yield false;
                }
                for (int i = 0; i < lp.params().size(); i++) {
                    if (!typesCompatible(local, lp.params().get(i).typeId(), target, tp.params().get(i).typeId(),
                            depth + 1)) {
                        yield false;
                    }
                }
                yield typesCompatible(local, lp.returnTypeId(), target, tp.returnTypeId(), depth + 1);
            }
            default -> false;
        };
    }

    /**
     * libbpf's bpf_core_types_match: names agree (essential names), composites have every local
     * member by name with matching types, enums every local enumerator, ints the same size and
     * signedness, arrays the same length, functions the same parameters.
     */
    static boolean typesMatch(Btf local, int localId, Btf target, int targetId) {
        return typesMatch(local, localId, target, targetId, true, 0);
    }

    private static boolean typesMatch(Btf local, int localId, Btf target, int targetId, boolean checkName, int depth) {
        if (depth > MAX_DEPTH) {
            return false;
        }
        int lid = local.resolve(localId);
        int tid = target.resolve(targetId);
        BtfType l = local.type(lid);
        BtfType t = target.type(tid);
        if (checkName && !l.name().isEmpty() && !essentialName(l.name()).equals(essentialName(t.name()))) {
            return false;
        }
        if (l instanceof BtfType.Fwd || t instanceof BtfType.Fwd) {
            boolean lUnion = l instanceof BtfType.Union || l instanceof BtfType.Fwd lf && lf.union();
            boolean tUnion = t instanceof BtfType.Union || t instanceof BtfType.Fwd tf && tf.union();
            return lUnion == tUnion && !(l instanceof BtfType.Enum) && !(t instanceof BtfType.Enum);
        }
        if (!kindsCompatible(l.kind(), t.kind())) {
            return false;
        }
        return switch (l) {
            case BtfType.Void v -> true;
            case BtfType.Float lf -> lf.size() == ((BtfType.Float) t).size();
            case BtfType.Int li -> {
                BtfType.Int ti = (BtfType.Int) t;
                yield li.size() == ti.size() && li.isSigned() == ti.isSigned();
            }
            case BtfType.Enum e -> enumeratorsContained(e.values(), CoreSpec.enumerators(t));
            case BtfType.Enum64 e -> enumeratorsContained(e.values(), CoreSpec.enumerators(t));
            case BtfType.Composite lc -> {
                BtfType.Composite tc = (BtfType.Composite) t;
                for (BtfType.Member m : lc.members()) {
                    BtfType.Member found = tc.members().stream()
                            .filter(x -> x.name().equals(m.name())).findFirst().orElse(null);
                    if (found == null || !typesMatch(local, m.typeId(), target, found.typeId(), false, depth + 1)) {
                        yield false;
                    }
                }
                yield true;
            }
            case BtfType.Ptr p -> typesMatch(local, p.typeId(), target, ((BtfType.Ptr) t).typeId(), false, depth + 1);
            case BtfType.Array a -> {
                BtfType.Array ta = (BtfType.Array) t;
                yield a.elementCount() == ta.elementCount()
                        && typesMatch(local, a.elementTypeId(), target, ta.elementTypeId(), false, depth + 1);
            }
            case BtfType.FuncProto lp -> {
                BtfType.FuncProto tp = (BtfType.FuncProto) t;
                if (lp.params().size() != tp.params().size()) {
                    yield false;
                }
                for (int i = 0; i < lp.params().size(); i++) {
                    if (!typesMatch(local, lp.params().get(i).typeId(), target, tp.params().get(i).typeId(), false,
                            depth + 1)) {
                        yield false;
                    }
                }
                yield typesMatch(local, lp.returnTypeId(), target, tp.returnTypeId(), false, depth + 1);
            }
            default -> false;
        };
    }

    private static boolean enumeratorsContained(List<BtfType.Enumerator> local, List<BtfType.Enumerator> target) {
        if (target == null) {
            return false;
        }
        for (BtfType.Enumerator e : local) {
            String name = essentialName(e.name());
            if (target.stream().noneMatch(x -> essentialName(x.name()).equals(name))) {
                return false;
            }
        }
        return true;
    }
}
