package dev.wbpf.vm.load;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.CoreRelocation;
import dev.wbpf.core.btf.CoreRelocationKind;
import dev.wbpf.core.object.ProgramSpec;
import java.util.Set;

/**
 * CO-RE in the VM. There is no kernel BTF to relocate against: the "target" types are the ones the
 * VM itself implements, whose layouts are fixed by the kernel's uapi headers and the wire formats
 * — the program-type context structs ({@code xdp_md}, {@code __sk_buff},
 * {@code bpf_raw_tracepoint_args}, {@code bpf_perf_event_data}), the packet headers programs parse,
 * and tracepoint records ({@code trace_event_raw_*}), whose bytes the caller of a VM tracepoint
 * supplies in exactly the layout the object declares. For those, the object's
 * own BTF <em>is</em> the target (local = target), so every relocation keeps the value the compiler
 * already put in the instruction: field offsets, sizes and existence, type ids and sizes, enum
 * values. Nothing needs patching.
 *
 * <p>A relocation against any other struct or union (say {@code task_struct}) asks about kernel
 * internals the VM does not emulate; the object is refused with a message naming program, type
 * and field. The one exception is an existence check ({@code bpf_core_type_exists},
 * {@code bpf_core_field_exists}) on such a type: the VM truthfully answers 0, as libbpf does for a
 * kernel that lacks the type.
 */
final class CoreRelocations {
    private CoreRelocations() {}

    /** Structs and unions whose layout the VM defines or that are fixed wire/uapi formats. */
    static final Set<String> VM_TYPES = Set.of(
            "xdp_md", "__sk_buff", "bpf_raw_tracepoint_args", "bpf_spin_lock", "bpf_sock_tuple",
            "ethhdr", "vlan_hdr", "vlan_ethhdr", "iphdr", "ipv6hdr", "ipv6_opt_hdr", "in6_addr", "in_addr",
            "tcphdr", "udphdr", "icmphdr", "icmp6hdr", "arphdr", "sctphdr", "gre_base_hdr", "frag_hdr",
            "ipv6_rt_hdr",
            // uapi: the perf_event program context and the x86-64 register set it embeds
            "bpf_perf_event_data", "pt_regs");

    /**
     * Checks the program's CO-RE relocations and patches the existence checks on types the VM lacks.
     *
     * @param code the program's linked code, patched in place
     */
    static void apply(ProgramSpec program, Btf btf, byte[] code) {
        for (CoreRelocation relo : program.coreRelocations()) {
            CoreRelocationKind kind = relo.kind();
            if (kind == null || kind == CoreRelocationKind.TYPE_ID_LOCAL || kind == CoreRelocationKind.ENUMVAL_EXISTS
                    || kind == CoreRelocationKind.ENUMVAL_VALUE) {
                continue; // about the object's own ids and enums: the compiled value is the answer
            }
            if (btf == null) {
                throw new LoadException("program `" + program.name() + "` has CO-RE relocations but the object has no BTF");
            }
            BtfType root = btf.type(btf.resolve(relo.typeId()));
            if (!(root instanceof BtfType.Composite)) {
                continue; // ints, pointers, enums, typedefs of them: sizes and ids are the object's own
            }
            String name = nameOf(btf, relo.typeId());
            // Tracepoint contexts: in the VM the caller supplies the bytes, in the layout the object declares.
            if (VM_TYPES.contains(name) || name.startsWith("trace_event_raw_")) {
                continue;
            }
            boolean existence = kind == CoreRelocationKind.TYPE_EXISTS || kind == CoreRelocationKind.FIELD_EXISTS
                    || kind == CoreRelocationKind.TYPE_MATCHES;
            if (existence) {
                patchImmediate(code, relo.insnIndex(), 0);
                continue;
            }
            throw new LoadException("program `" + program.name() + "` relocates " + describe(btf, relo, name)
                    + " (CO-RE " + kind.name().toLowerCase(java.util.Locale.ROOT) + "), a kernel-internal type the VM cannot emulate;"
                    + " the VM has no kernel BTF, only the context structs of the program types it runs and packet headers");
        }
    }

    private static String nameOf(Btf btf, int typeId) {
        int id = typeId;
        for (int hops = 0; hops < 32; hops++) {
            BtfType type = btf.type(id);
            switch (type) {
                case BtfType.Struct s when !s.name().isEmpty() -> { return s.name(); }
                case BtfType.Union u when !u.name().isEmpty() -> { return u.name(); }
                case BtfType.Typedef t -> id = t.typeId();
                case BtfType.Const c -> id = c.typeId();
                case BtfType.Volatile v -> id = v.typeId();
                case BtfType.Restrict r -> id = r.typeId();
                case BtfType.TypeTag t -> id = t.typeId();
                default -> { return ""; }
            }
        }
        return "";
    }

    private static String describe(Btf btf, CoreRelocation relo, String name) {
        String type = name.isEmpty() ? "an anonymous struct" : "struct " + name;
        if (!relo.kind().isFieldBased()) {
            return type;
        }
        // Walk the access string ("0:3:1") for the member names a user recognises.
        StringBuilder path = new StringBuilder(type);
        String[] steps = relo.accessString().split(":");
        int id = relo.typeId();
        for (int i = 1; i < steps.length; i++) {
            BtfType t = btf.type(btf.resolve(id));
            int index;
            try {
                index = Integer.parseInt(steps[i]);
            } catch (NumberFormatException e) {
                break;
            }
            if (t instanceof BtfType.Composite c && index < c.members().size()) {
                BtfType.Member m = c.members().get(index);
                path.append(i == 1 ? " field " : ".").append(m.name().isEmpty() ? "<anon>" : m.name());
                id = m.typeId();
            } else if (t instanceof BtfType.Array a) {
                path.append('[').append(index).append(']');
                id = a.elementTypeId();
            } else {
                break;
            }
        }
        return path.toString();
    }

    /** Sets the immediate of the instruction at {@code slot} (and of an LDDW's second half). */
    static void patchImmediate(byte[] code, int slot, int value) {
        int at = slot * 8;
        writeInt(code, at + 4, value);
        if ((code[at] & 0xff) == 0x18) {
            writeInt(code, at + 12, 0);
        }
    }

    static void writeInt(byte[] code, int at, int value) {
        code[at] = (byte) value;
        code[at + 1] = (byte) (value >>> 8);
        code[at + 2] = (byte) (value >>> 16);
        code[at + 3] = (byte) (value >>> 24);
    }
}
