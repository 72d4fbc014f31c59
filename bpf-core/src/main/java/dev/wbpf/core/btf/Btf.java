package dev.wbpf.core.btf;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.io.ByteSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Parsed BTF: the types of one {@code .BTF} section (or of {@code /sys/kernel/btf/vmlinux}), with
 * lookups by id and name and the layout questions CO-RE and map creation ask. Type id 0 is void.
 * Split BTF (a kernel module's) continues its base's type ids and string offsets; lookups fall
 * through to the base. Immutable after parsing.
 */
public final class Btf {
    private final String source;
    private final Btf base;
    private final int firstTypeId;
    private final List<BtfType> types;
    private final BtfStrings strings;
    private volatile Map<String, int[]> idsByName;

    private Btf(String source, Btf base, List<BtfType> types, BtfStrings strings) {
        this.source = source;
        this.base = base;
        this.firstTypeId = base == null ? 1 : base.typeCount();
        this.types = types;
        this.strings = strings;
    }

    /** Parses a stand-alone {@code .BTF} section or raw BTF file. */
    public static Btf parse(String source, byte[] btfSection) {
        return parse(source, btfSection, null);
    }

    /** Parses split BTF whose type ids and string offsets continue those of {@code base}. */
    public static Btf parseSplit(String source, byte[] btfSection, Btf base) {
        return parse(source, btfSection, Objects.requireNonNull(base, "base"));
    }

    private static Btf parse(String source, byte[] btfSection, Btf base) {
        ByteSlice in = ByteSlice.of(source, btfSection);
        BtfHeader header = BtfHeader.read(in);
        ByteSlice stringSection = header.stringSection(in);
        checkStringSection(stringSection, base != null);
        BtfStrings strings = new BtfStrings(base == null ? null : base.strings, stringSection);
        int firstId = base == null ? 1 : base.typeCount();
        List<BtfType> types = BtfTypeReader.read(header.typeSection(in), strings, firstId);
        Btf btf = new Btf(source, base, List.copyOf(types), strings);
        BtfReferenceCheck.check(in, btf);
        return btf;
    }

    /**
     * Parses a large stand-alone BTF, such as the kernel's {@code /sys/kernel/btf/vmlinux}, for
     * lookups: only the layout of the type section is checked now; each type is decoded and
     * checked when first used (so an error in it is reported then), and names are found through
     * an index of the raw string table. Costs a few ms where {@link #parse} takes ~100.
     */
    public static Btf parseIndexed(String source, byte[] btf) {
        ByteSlice in = ByteSlice.of(source, btf);
        BtfHeader header = BtfHeader.read(in);
        ByteSlice stringSection = header.stringSection(in);
        checkStringSection(stringSection, false);
        BtfStrings strings = new BtfStrings(null, stringSection);
        BtfTypeIndex types = new BtfTypeIndex(header.typeSection(in), strings, 1);
        Btf parsed = new Btf(source, null, types, strings);
        types.owner(parsed);
        return parsed;
    }

    private static void checkStringSection(ByteSlice table, boolean split) {
        int length = table.length();
        if (length == 0) {
            if (split) {
                return; // a module may add no strings of its own
            }
            throw table.fail("BTF string section is empty");
        }
        // Offset 0 must be the empty string (anonymous names point there), and every string must end.
        if (!split && table.u8(0, "BTF string section") != 0) {
            throw table.fail("BTF string section does not start with an empty string");
        }
        if (table.u8(length - 1, "BTF string section") != 0) {
            throw table.fail("BTF string section does not end with NUL");
        }
    }

    /** Where this BTF came from, for messages. */
    public String source() {
        return source;
    }

    /** The base of split BTF. */
    public Optional<Btf> base() {
        return Optional.ofNullable(base);
    }

    /** The id of this BTF's first own type: 1, or for split BTF the base's {@link #typeCount()}. */
    public int firstTypeId() {
        return firstTypeId;
    }

    /**
     * One more than the highest type id, counting void and any base types, so valid ids are
     * {@code 0 .. typeCount()-1} (libbpf's {@code btf__type_cnt}).
     */
    public int typeCount() {
        return firstTypeId + types.size();
    }

    /** This BTF's own types in id order, starting with id {@link #firstTypeId()}. */
    public List<BtfType> types() {
        return types;
    }

    /** The type with this id; 0 gives {@link BtfType.Void}. */
    public BtfType type(int id) {
        if (id >= firstTypeId && id < typeCount()) {
            return types.get(id - firstTypeId);
        }
        if (id == 0) {
            return BtfType.Void.INSTANCE;
        }
        if (base != null && id > 0 && id < firstTypeId) {
            return base.type(id);
        }
        throw new BpfFormatException(source, "type id " + id + " does not exist (last is " + (typeCount() - 1) + ")");
    }

    /** The type with this id, which must be of the given kind (record class). */
    public <T extends BtfType> T type(int id, Class<T> kind) {
        BtfType type = type(id);
        if (!kind.isInstance(type)) {
            throw new BpfFormatException(source, "type [" + id + "] is " + type.kind() + ", expected " + kind.getSimpleName());
        }
        return kind.cast(type);
    }

    /**
     * Builds the index that finds types by name now, rather than on the first lookup (for
     * vmlinux, hashing ~150,000 names: work to do ahead, on another thread).
     */
    public void indexNames() {
        findAllByName("");
    }

    /** The first type with this name (base types first), like {@code btf__find_by_name}. */
    public OptionalInt findByName(String name) {
        List<Integer> ids = findAllByName(name);
        return ids.isEmpty() ? OptionalInt.empty() : OptionalInt.of(ids.getFirst());
    }

    /** The first type with this name and kind, like {@code btf__find_by_name_kind}. */
    public OptionalInt findByNameAndKind(String name, BtfKind kind) {
        for (int id : findAllByName(name)) {
            if (type(id).kind() == kind) {
                return OptionalInt.of(id);
            }
        }
        return OptionalInt.empty();
    }

    /** Every type with this name, in id order, base types first. */
    public List<Integer> findAllByName(String name) {
        List<Integer> result = new ArrayList<>();
        if (base != null) {
            result.addAll(base.findAllByName(name));
        }
        int[] own = types instanceof BtfTypeIndex index ? index.idsNamed(name) : nameIndex().get(name);
        if (own != null) {
            for (int id : own) {
                result.add(id);
            }
        }
        return result;
    }

    /** Built on first use: parsing vmlinux should not pay for an index nobody asks for. */
    private Map<String, int[]> nameIndex() {
        Map<String, int[]> index = idsByName;
        if (index == null) {
            Map<String, int[]> built = new HashMap<>();
            for (int i = 0; i < types.size(); i++) {
                String name = types.get(i).name();
                if (!name.isEmpty()) {
                    int id = firstTypeId + i;
                    built.merge(name, new int[] {id}, Btf::append);
                }
            }
            idsByName = index = built;
        }
        return index;
    }

    private static int[] append(int[] ids, int[] more) {
        int[] all = java.util.Arrays.copyOf(ids, ids.length + more.length);
        System.arraycopy(more, 0, all, ids.length, more.length);
        return all;
    }

    /** The data section with this name (".data", ".maps", ...). */
    public Optional<BtfType.DataSec> dataSec(String name) {
        OptionalInt id = findByNameAndKind(name, BtfKind.DATASEC);
        return id.isPresent() ? Optional.of(type(id.getAsInt(), BtfType.DataSec.class)) : Optional.empty();
    }

    /** The variables a data section places, in order; extern functions (in ".ksyms") are skipped. */
    public List<BtfType.Var> vars(BtfType.DataSec section) {
        List<BtfType.Var> vars = new ArrayList<>();
        for (BtfType.VarSecInfo info : section.vars()) {
            if (type(info.typeId()) instanceof BtfType.Var var) {
                vars.add(var);
            }
        }
        return vars;
    }

    /** Size in bytes of a type, following typedefs, modifiers and arrays ({@code btf__resolve_size}). */
    public long sizeOf(int id) {
        return new BtfLayout(this).sizeOf(id);
    }

    /** Alignment in bytes of a type, 1 for packed structs ({@code btf__align_of}). */
    public int alignOf(int id) {
        return new BtfLayout(this).alignOf(id);
    }

    /** The id reached by skipping typedefs, const/volatile/restrict and type tags. */
    public int resolve(int id) {
        return new BtfLayout(this).skipModifiersAndTypedefs(id);
    }

    /** Pointer size in bytes; BTF does not record it and BPF is a 64-bit target. */
    public int pointerSize() {
        return 8;
    }

    /** Re-encodes this BTF; for compiler output the bytes equal the input. */
    public byte[] toBytes() {
        BtfWriter writer = BtfWriter.reusingStrings(this);
        types.forEach(writer::add);
        return writer.toBytes();
    }

    /** The string at an offset of this BTF's string table (line info and CO-RE strings live here too). */
    String string(long offset, String what) {
        return strings.get(offset, what);
    }

    BtfStrings strings() {
        return strings;
    }
}
