package dev.wbpf.core.btf;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies CO-RE relocations to a program's instructions: each record names a local type and an
 * access path, the relocator finds the same thing in the target BTF (the kernel's, or the VM's own) and patches the
 * instruction with the target's answer, following libbpf's relo_core semantics:
 *
 * <ul>
 *   <li>candidates are target types of a compatible kind whose name equals the local type's
 *       essential name (the part before {@code ___});
 *   <li>every matching candidate must give the same answer;
 *   <li>with no match, "exists" kinds give 0, type-based kinds give 0, and the others poison the
 *       instruction: it becomes a call to the non-existent helper {@value #POISON_HELPER}, which the
 *       verifier rejects only if the instruction is reachable.
 * </ul>
 *
 * One instance per (program BTF, target BTF) pair; it caches candidates per local type.
 */
public final class CoreRelocator {
    /** libbpf's marker helper id for poisoned CO-RE instructions (0xbad2310). */
    public static final int POISON_HELPER = 0xbad2310;

    private static final int CLASS_LD = 0x00;
    private static final int CLASS_LDX = 0x01;
    private static final int CLASS_ST = 0x02;
    private static final int CLASS_STX = 0x03;
    private static final int CLASS_ALU = 0x04;
    private static final int CLASS_ALU64 = 0x07;
    private static final int SOURCE_X = 0x08;
    private static final int CALL = 0x85;

    private final Btf local;
    private final Btf target;
    private final Map<Integer, List<Integer>> candidates = new HashMap<>();

    public CoreRelocator(Btf local, Btf target) {
        this.local = local;
        this.target = target;
    }

    /** What a relocation resolved to: the value patched in, or poisoned. */
    public record Result(CoreRelocation relocation, long value, boolean poisoned) {}

    /**
     * Patches {@code code} (8-byte slots, little-endian) in place.
     *
     * @return one result per relocation, in order
     * @throws CoreException for malformed records or instructions a relocation cannot patch
     */
    public List<Result> apply(byte[] code, List<CoreRelocation> relocations) {
        List<Result> results = new ArrayList<>(relocations.size());
        for (CoreRelocation relo : relocations) {
            Result result = resolve(relo);
            patch(code, relo, result);
            results.add(result);
        }
        return results;
    }

    /** Resolves one relocation against the target without patching anything. */
    public Result resolve(CoreRelocation relo) {
        CoreRelocationKind kind = relo.kind();
        if (kind == CoreRelocationKind.TYPE_ID_LOCAL) {
            return new Result(relo, relo.typeId(), false);
        }
        int[] raw = parseAccess(relo.accessString());
        CoreSpec localSpec = switch (kindClass(kind)) {
            case FIELD -> CoreSpec.parseField(local, relo.typeId(), raw);
            case ENUM -> CoreSpec.parseEnum(local, relo.typeId(), raw);
            case TYPE -> new CoreSpec(local, relo.typeId(), List.of(), 0, 0);
        };
        Long agreed = null;
        for (int candidate : candidates(relo.typeId())) {
            CoreSpec targetSpec = match(localSpec, candidate, kind);
            if (targetSpec == null) {
                continue;
            }
            long value = value(kind, targetSpec);
            if (agreed != null && agreed != value) {
                throw new CoreException("CO-RE relocation " + kind + " of " + CoreSpec.describe(local, relo.typeId())
                        + " access " + relo.accessString() + " is ambiguous: target candidates give " + agreed
                        + " and " + value);
            }
            agreed = value;
        }
        if (agreed != null) {
            return new Result(relo, agreed, false);
        }
        return switch (kind) {
            case FIELD_EXISTS, ENUMVAL_EXISTS, TYPE_EXISTS, TYPE_MATCHES, TYPE_ID_TARGET, TYPE_SIZE ->
                    new Result(relo, 0, false);
            default -> new Result(relo, 0, true);
        };
    }

    /**
     * The value the compiler assumed, computed from the program's own BTF (libbpf checks that the
     * instruction holds it before patching; tests use it to check the spec walk).
     */
    public long localValue(CoreRelocation relo) {
        int[] raw = parseAccess(relo.accessString());
        CoreSpec localSpec = switch (kindClass(relo.kind())) {
            case FIELD -> CoreSpec.parseField(local, relo.typeId(), raw);
            case ENUM -> CoreSpec.parseEnum(local, relo.typeId(), raw);
            case TYPE -> new CoreSpec(local, relo.typeId(), List.of(), 0, 0);
        };
        return value(relo.kind(), localSpec);
    }

    private enum KindClass { FIELD, TYPE, ENUM }

    private static KindClass kindClass(CoreRelocationKind kind) {
        if (kind.isFieldBased()) {
            return KindClass.FIELD;
        }
        return kind.isEnumValueBased() ? KindClass.ENUM : KindClass.TYPE;
    }

    private static int[] parseAccess(String access) {
        try {
            return Arrays.stream(access.split(":")).mapToInt(Integer::parseInt).toArray();
        } catch (NumberFormatException e) {
            throw new CoreException("bad CO-RE access string '" + access + "'");
        }
    }

    private List<Integer> candidates(int localId) {
        return candidates.computeIfAbsent(localId, id -> {
            BtfType localType = local.type(id);
            String name = CoreTypes.essentialName(localType.name());
            if (name.isEmpty()) {
                return List.of();
            }
            List<Integer> found = new ArrayList<>();
            for (int targetId : target.findAllByName(name)) {
                if (CoreTypes.kindsCompatible(localType.kind(), target.type(targetId).kind())) {
                    found.add(targetId);
                }
            }
            return found;
        });
    }

    /** The target spec for {@code candidate}, or null when the candidate does not have the local path. */
    private CoreSpec match(CoreSpec localSpec, int candidate, CoreRelocationKind kind) {
        return switch (kindClass(kind)) {
            case TYPE -> {
                boolean ok = kind == CoreRelocationKind.TYPE_MATCHES
                        ? CoreTypes.typesMatch(local, localSpec.rootTypeId(), target, candidate)
                        : CoreTypes.typesCompatible(local, localSpec.rootTypeId(), target, candidate);
                yield ok ? new CoreSpec(target, candidate, List.of(), 0, 0) : null;
            }
            case ENUM -> {
                List<BtfType.Enumerator> values = CoreSpec.enumerators(target.type(target.resolve(candidate)));
                if (values == null) {
                    yield null;
                }
                String wanted = CoreTypes.essentialName(localSpec.last().name());
                for (int i = 0; i < values.size(); i++) {
                    if (CoreTypes.essentialName(values.get(i).name()).equals(wanted)) {
                        yield new CoreSpec(target, candidate, List.of(new CoreSpec.Accessor(
                                target.resolve(candidate), i, values.get(i).name())), 0, values.get(i).value());
                    }
                }
                yield null;
            }
            case FIELD -> matchField(localSpec, candidate);
        };
    }

    private CoreSpec matchField(CoreSpec localSpec, int candidate) {
        List<CoreSpec.Accessor> localAccessors = localSpec.accessors();
        List<CoreSpec.Accessor> out = new ArrayList<>();
        int rootIndex = localAccessors.getFirst().index();
        long bitOffset = rootIndex * target.sizeOf(candidate) * 8;
        out.add(new CoreSpec.Accessor(candidate, rootIndex, null));
        int id = candidate;
        for (int i = 1; i < localAccessors.size(); i++) {
            CoreSpec.Accessor acc = localAccessors.get(i);
            int resolved = target.resolve(id);
            BtfType t = target.type(resolved);
            if (acc.name() != null) {
                if (!(t instanceof BtfType.Composite)) {
                    return null;
                }
                MemberPath path = findMember(resolved, acc.name(), 0);
                if (path == null) {
                    return null;
                }
                BtfType.Member localMember = ((BtfType.Composite) local.type(acc.typeId())).members().get(acc.index());
                if (!CoreTypes.fieldsCompatible(local, localMember.typeId(), target, path.member.typeId())) {
                    return null;
                }
                bitOffset += path.bitOffset;
                out.add(new CoreSpec.Accessor(path.container, path.index, acc.name()));
                id = path.member.typeId();
            } else {
                if (!(t instanceof BtfType.Array a)) {
                    return null;
                }
                boolean flex = a.elementCount() == 0;
                if (!flex && acc.index() >= a.elementCount()) {
                    return null;
                }
                int element = target.resolve(a.elementTypeId());
                out.add(new CoreSpec.Accessor(element, acc.index(), null));
                bitOffset += acc.index() * target.sizeOf(element) * 8;
                id = element;
            }
        }
        return new CoreSpec(target, candidate, List.copyOf(out), bitOffset, 0);
    }

    /** A member found by name, possibly inside anonymous struct/union members, with its offset. */
    private record MemberPath(int container, int index, BtfType.Member member, long bitOffset) {}

    private MemberPath findMember(int compositeId, String name, int depth) {
        if (depth > 32) {
            return null;
        }
        BtfType.Composite c = (BtfType.Composite) target.type(compositeId);
        for (int i = 0; i < c.members().size(); i++) {
            BtfType.Member m = c.members().get(i);
            if (m.name().equals(name)) {
                return new MemberPath(compositeId, i, m, m.bitOffset());
            }
            if (m.name().isEmpty()) {
                int inner = target.resolve(m.typeId());
                if (target.type(inner) instanceof BtfType.Composite) {
                    MemberPath found = findMember(inner, name, depth + 1);
                    if (found != null) {
                        return new MemberPath(found.container, found.index, found.member,
                                m.bitOffset() + found.bitOffset);
                    }
                }
            }
        }
        return null;
    }

    /** The relocation's value computed from a spec (libbpf's bpf_core_calc_*_relo). */
    static long value(CoreRelocationKind kind, CoreSpec spec) {
        Btf btf = spec.btf();
        return switch (kind) {
            case TYPE_ID_LOCAL, TYPE_ID_TARGET -> spec.rootTypeId();
            case TYPE_EXISTS, TYPE_MATCHES, FIELD_EXISTS, ENUMVAL_EXISTS -> 1;
            case TYPE_SIZE -> btf.sizeOf(spec.rootTypeId());
            case ENUMVAL_VALUE -> spec.enumValue();
            default -> fieldValue(kind, spec);
        };
    }

    private static long fieldValue(CoreRelocationKind kind, CoreSpec spec) {
        Btf btf = spec.btf();
        CoreSpec.Accessor acc = spec.last();
        long bitOffset = spec.bitOffset();
        int fieldType;
        int bitSize = 0;
        if (acc.name() == null) {
            fieldType = acc.typeId(); // array element, or the root itself
        } else {
            BtfType.Member m = ((BtfType.Composite) btf.type(acc.typeId())).members().get(acc.index());
            fieldType = m.typeId();
            bitSize = m.bitfieldSize();
        }
        long byteSize = btf.sizeOf(fieldType);
        long byteOffset;
        if (bitSize != 0) {
            byteOffset = bitOffset / 8 / byteSize * byteSize;
            while (bitOffset + bitSize - byteOffset * 8 > byteSize * 8) {
                if (byteSize >= 8) {
                    throw new CoreException("bitfield at bit " + bitOffset + " does not fit a 64-bit load");
                }
                byteSize *= 2;
                byteOffset = bitOffset / 8 / byteSize * byteSize;
            }
        } else {
            byteOffset = bitOffset / 8;
            bitSize = (int) (byteSize * 8);
        }
        BtfType resolved = btf.type(btf.resolve(fieldType));
        return switch (kind) {
            case FIELD_BYTE_OFFSET -> byteOffset;
            case FIELD_BYTE_SIZE -> byteSize;
            case FIELD_SIGNED -> switch (resolved) {
                case BtfType.Int i -> i.isSigned() ? 1 : 0;
                case BtfType.Enum e -> e.signed() ? 1 : 0;
                case BtfType.Enum64 e -> e.signed() ? 1 : 0;
                default -> 0;
            };
            case FIELD_LSHIFT_U64 -> 64 - (bitOffset + bitSize - byteOffset * 8);
            case FIELD_RSHIFT_U64 -> 64 - bitSize;
            default -> throw new AssertionError(kind);
        };
    }

    // ---- patching -------------------------------------------------------------------------------

    private void patch(byte[] code, CoreRelocation relo, Result result) {
        int at = relo.insnIndex() * 8;
        if (at < 0 || at + 8 > code.length) {
            throw new CoreException("CO-RE relocation at instruction " + relo.insnIndex() + " is outside the program");
        }
        int opcode = code[at] & 0xff;
        int cls = opcode & 0x07;
        boolean ldImm64 = opcode == 0x18;
        if (result.poisoned()) {
            poison(code, at);
            if (ldImm64 && at + 16 <= code.length) {
                poison(code, at + 8); // both slots: a lone second slot is not a valid instruction
            }
            return;
        }
        long value = result.value();
        switch (cls) {
            case CLASS_ALU, CLASS_ALU64 -> {
                if ((opcode & SOURCE_X) != 0) {
                    throw new CoreException("CO-RE relocation on register-source ALU instruction " + relo.insnIndex());
                }
                putImm(code, at, (int) value);
            }
            case CLASS_LDX, CLASS_ST, CLASS_STX -> {
                if (value > Short.MAX_VALUE || value < Short.MIN_VALUE) {
                    throw new CoreException("CO-RE offset " + value + " does not fit instruction " + relo.insnIndex());
                }
                adjustMemorySize(code, at, relo, opcode);
                code[at + 2] = (byte) value;
                code[at + 3] = (byte) (value >> 8);
            }
            case CLASS_LD -> {
                if (!ldImm64 || at + 16 > code.length) {
                    throw new CoreException("CO-RE relocation on unsupported load at instruction " + relo.insnIndex());
                }
                putImm(code, at, (int) value);
                putImm(code, at + 8, (int) (value >>> 32));
            }
            default -> throw new CoreException("CO-RE relocation on instruction " + relo.insnIndex()
                    + " with opcode 0x" + Integer.toHexString(opcode) + ", which it cannot patch");
        }
    }

    /**
     * For a byte-offset relocation on a load/store of a plain (non-bitfield) integer or pointer
     * field, libbpf also adjusts the access size when the kernel's field has another size.
     */
    private void adjustMemorySize(byte[] code, int at, CoreRelocation relo, int opcode) {
        if (relo.kind() != CoreRelocationKind.FIELD_BYTE_OFFSET || (opcode & 0xe0) != 0x60) {
            return;
        }
        CoreSpec localSpec = CoreSpec.parseField(local, relo.typeId(), parseAccess(relo.accessString()));
        long localSize = fieldSize(localSpec);
        CoreSpec targetSpec = null;
        for (int candidate : candidates(relo.typeId())) {
            targetSpec = matchField(localSpec, candidate);
            if (targetSpec != null) {
                break;
            }
        }
        if (targetSpec == null || localSize <= 0) {
            return;
        }
        long targetSize = fieldSize(targetSpec);
        int insnSize = switch (opcode & 0x18) {
            case 0x00 -> 4;
            case 0x08 -> 2;
            case 0x10 -> 1;
            default -> 8;
        };
        if (targetSize <= 0 || targetSize == localSize || insnSize != localSize) {
            return;
        }
        int sizeBits = switch ((int) targetSize) {
            case 1 -> 0x10;
            case 2 -> 0x08;
            case 4 -> 0x00;
            case 8 -> 0x18;
            default -> -1;
        };
        if (sizeBits < 0) {
            throw new CoreException("target field size " + targetSize + " cannot be loaded at instruction " + relo.insnIndex());
        }
        code[at] = (byte) ((opcode & ~0x18) | sizeBits);
    }

    /** Size of a plain int/pointer/enum field, or -1 for bitfields and other kinds. */
    private static long fieldSize(CoreSpec spec) {
        CoreSpec.Accessor acc = spec.last();
        Btf btf = spec.btf();
        int type;
        if (acc.name() == null) {
            type = acc.typeId();
        } else {
            BtfType.Member m = ((BtfType.Composite) btf.type(acc.typeId())).members().get(acc.index());
            if (m.isBitfield()) {
                return -1;
            }
            type = m.typeId();
        }
        BtfType t = btf.type(btf.resolve(type));
        if (t instanceof BtfType.Int || t instanceof BtfType.Ptr || t instanceof BtfType.Enum || t instanceof BtfType.Enum64) {
            return btf.sizeOf(type);
        }
        return -1;
    }

    private static void poison(byte[] code, int at) {
        code[at] = (byte) CALL;
        code[at + 1] = 0;
        code[at + 2] = 0;
        code[at + 3] = 0;
        putImm(code, at, POISON_HELPER);
    }

    private static void putImm(byte[] code, int at, int value) {
        code[at + 4] = (byte) value;
        code[at + 5] = (byte) (value >> 8);
        code[at + 6] = (byte) (value >> 16);
        code[at + 7] = (byte) (value >> 24);
    }
}
