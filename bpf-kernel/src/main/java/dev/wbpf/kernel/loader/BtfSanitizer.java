package dev.wbpf.kernel.loader;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.BtfWriter;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.object.GlobalDataSpec;
import dev.wbpf.kernel.feature.BtfKind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Rewrites an object's BTF into what the kernel accepts, as libbpf does before BPF_BTF_LOAD:
 *
 * <ul>
 *   <li>DATASEC sizes and variable offsets, which clang leaves zero, are taken from the object's
 *       global data placements (bpf-core places variables by their ELF symbols); sections without a
 *       data map ({@code .maps}, {@code .ksyms}) get their variables laid out in order;
 *   <li>extern variables become global (the kernel knows no extern VAR linkage), untyped ones
 *       ({@code const void x __ksym}) get an {@code int} type, and extern functions become global with their unnamed parameters named (the kernel insists on names; clang leaves kfunc declarations unnamed) and leave the
 *       {@code .ksyms} DATASEC, which may only hold variables;
 *   <li>kinds the kernel does not know (per the feature probes) are replaced by look-alikes of the
 *       same size: FLOAT and ENUM64 by empty struct/union, TYPE_TAG by CONST, DECL_TAG and VAR by a
 *       one-byte int, DATASEC by a struct, FUNC by a typedef and FUNC_PROTO by an enum.
 * </ul>
 *
 * Type ids never change (the program's func_info and map BTF ids stay valid); one {@code int} is
 * appended after the object's types.
 */
final class BtfSanitizer {
    private BtfSanitizer() {}

    static byte[] sanitize(BpfObjectSpec spec, Predicate<BtfKind> supported) {
        Btf btf = spec.btf();
        Map<Integer, GlobalDataSpec> dataByDatasec = new HashMap<>();
        for (GlobalDataSpec g : spec.globals()) {
            if (g.btfDatasecId() != 0) {
                dataByDatasec.put(g.btfDatasecId(), g);
            }
        }
        BtfWriter writer = BtfWriter.reusingStrings(btf);
        int first = btf.firstTypeId();
        int intId = first + btf.types().size();
        List<BtfType> types = btf.types();
        java.util.Set<Integer> externProtos = new java.util.HashSet<>();
        for (BtfType t : types) {
            if (t instanceof BtfType.Func f && f.linkage() == BtfType.Linkage.EXTERN) {
                externProtos.add(f.protoTypeId());
            }
        }
        for (int i = 0; i < types.size(); i++) {
            int id = first + i;
            BtfType t = fix(btf, id, types.get(i), intId, dataByDatasec.get(id));
            if (t instanceof BtfType.FuncProto proto && externProtos.contains(id)) {
                t = nameParameters(proto);
            }
            writer.add(replaceUnsupported(t, supported));
        }
        writer.add(new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32));
        return writer.toBytes();
    }

    private static BtfType fix(Btf btf, int id, BtfType t, int intId, GlobalDataSpec data) {
        return switch (t) {
            case BtfType.Var v -> {
                int type = isVoid(btf, v.typeId()) ? intId : v.typeId();
                BtfType.Linkage linkage = v.linkage() == BtfType.Linkage.EXTERN ? BtfType.Linkage.GLOBAL : v.linkage();
                yield new BtfType.Var(v.name(), type, linkage);
            }
            case BtfType.Func f when f.linkage() == BtfType.Linkage.EXTERN ->
                    new BtfType.Func(f.name(), f.protoTypeId(), BtfType.Linkage.GLOBAL);
            case BtfType.DataSec d -> placeDatasec(btf, d, data);
            default -> t;
        };
    }

    private static BtfType.FuncProto nameParameters(BtfType.FuncProto proto) {
        List<BtfType.Param> params = new ArrayList<>();
        for (int i = 0; i < proto.params().size(); i++) {
            BtfType.Param p = proto.params().get(i);
            boolean unnamed = p.name().isEmpty() && p.typeId() != 0;
            params.add(unnamed ? new BtfType.Param("arg" + i, p.typeId()) : p);
        }
        return new BtfType.FuncProto(proto.name(), proto.returnTypeId(), params);
    }

    private static boolean isVoid(Btf btf, int typeId) {
        int resolved = btf.resolve(typeId);
        return resolved == 0 || btf.type(resolved) instanceof BtfType.FuncProto;
    }

    private static BtfType.DataSec placeDatasec(Btf btf, BtfType.DataSec d, GlobalDataSpec data) {
        List<BtfType.VarSecInfo> placed = new ArrayList<>();
        long end = 0;
        Map<String, GlobalDataSpec.Variable> byName = new HashMap<>();
        if (data != null) {
            data.variables().forEach(v -> byName.putIfAbsent(v.name(), v));
        }
        for (BtfType.VarSecInfo info : d.vars()) {
            if (!(btf.type(info.typeId()) instanceof BtfType.Var var)) {
                continue; // extern functions listed in .ksyms
            }
            GlobalDataSpec.Variable known = byName.get(var.name());
            long size;
            long offset;
            if (known != null) {
                offset = known.offset();
                size = known.size();
            } else if (data != null) {
                offset = info.offset();
                size = info.size();
            } else {
                boolean untyped = isVoid(btf, var.typeId());
                size = untyped ? 4 : btf.sizeOf(var.typeId());
                int align = untyped ? 4 : Math.max(1, btf.alignOf(var.typeId()));
                offset = (end + align - 1) / align * align;
            }
            placed.add(new BtfType.VarSecInfo(info.typeId(), offset, size));
            end = Math.max(end, offset + size);
        }
        placed.sort(Comparator.comparingLong(BtfType.VarSecInfo::offset));
        long size = data != null ? Math.max(data.size(), end) : end;
        return new BtfType.DataSec(d.name(), Math.max(size, 1), placed);
    }

    private static BtfType replaceUnsupported(BtfType t, Predicate<BtfKind> supported) {
        return switch (t) {
            case BtfType.Float f when !supported.test(BtfKind.FLOAT) ->
                    new BtfType.Struct(f.name(), f.size(), List.of(), false);
            case BtfType.Enum64 e when !supported.test(BtfKind.ENUM64) ->
                    new BtfType.Union(e.name(), e.size(), List.of(), false);
            case BtfType.TypeTag tt when !supported.test(BtfKind.TYPE_TAG) -> new BtfType.Const("", tt.typeId());
            case BtfType.DeclTag dt when !supported.test(BtfKind.DECL_TAG) -> oneByteInt(dt.name());
            case BtfType.Var v when !supported.test(BtfKind.DATASEC) -> oneByteInt(v.name());
            case BtfType.DataSec d when !supported.test(BtfKind.DATASEC) ->
                    new BtfType.Struct(d.name().replace('.', '_'), d.size(), List.of(), false);
            case BtfType.Func f when !supported.test(BtfKind.FUNC) -> new BtfType.Typedef(f.name(), f.protoTypeId());
            case BtfType.FuncProto p when !supported.test(BtfKind.FUNC) -> new BtfType.Enum("", 4, false, List.of());
            default -> t;
        };
    }

    private static BtfType.Int oneByteInt(String name) {
        return new BtfType.Int(name.replace('.', '_'), 1, 0, 0, 8);
    }
}
