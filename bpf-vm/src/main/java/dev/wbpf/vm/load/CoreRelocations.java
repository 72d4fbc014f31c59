package dev.wbpf.vm.load;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.CoreException;
import dev.wbpf.core.btf.CoreRelocation;
import dev.wbpf.core.btf.CoreRelocationKind;
import dev.wbpf.core.btf.CoreRelocator;
import dev.wbpf.core.object.ProgramSpec;
import dev.wbpf.vm.kernel.VmKernelTypes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * CO-RE in the VM, with two kinds of target types.
 *
 * <p>Types whose layout the VM itself defines by the kernel's uapi headers and wire formats — the
 * program-type context structs ({@code xdp_md}, {@code __sk_buff}, {@code bpf_raw_tracepoint_args},
 * {@code bpf_perf_event_data}), the packet headers programs parse, and tracepoint records
 * ({@code trace_event_raw_*}), whose bytes the caller of a VM tracepoint supplies in exactly the
 * layout the object declares: for those the object's own BTF <em>is</em> the target, so every
 * relocation keeps the value the compiler put in the instruction.
 *
 * <p>Every other struct or union (say {@code task_struct}) is a kernel object: it is relocated
 * against the VM's kernel types ({@link VmKernelTypes}) by bpf-core's {@link CoreRelocator}, the
 * same algorithm the kernel loader runs against vmlinux BTF. What the VM's types cannot satisfy is
 * poisoned as libbpf does — the instruction becomes a call to a helper that does not exist, refused
 * by the verifier only if the program can reach it — and existence checks answer 0.
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
     * Applies the program's CO-RE relocations to {@code code} (patched in place).
     *
     * @return for each poisoned instruction (slot index), what it relocates, for the refusal message
     */
    static Map<Integer, String> apply(ProgramSpec program, Btf btf, byte[] code) {
        List<CoreRelocation> kernelObjects = new ArrayList<>();
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
            if (!VM_TYPES.contains(name) && !name.startsWith("trace_event_raw_")) {
                kernelObjects.add(relo);
            }
        }
        Map<Integer, String> poisoned = new HashMap<>();
        if (kernelObjects.isEmpty()) {
            return poisoned;
        }
        try {
            for (CoreRelocator.Result result : new CoreRelocator(btf, VmKernelTypes.btf()).apply(code, kernelObjects)) {
                if (result.poisoned()) {
                    CoreRelocation relo = result.relocation();
                    String name = nameOf(btf, relo.typeId());
                    poisoned.put(relo.insnIndex(), describe(btf, relo, name) + " (CO-RE " + relo.kind().name().toLowerCase(Locale.ROOT)
                            + "), which the VM's kernel types cannot satisfy: " + vmOffer(name));
                }
            }
        } catch (CoreException e) {
            throw new LoadException("program `" + program.name() + "`: " + e.getMessage(), e);
        }
        return poisoned;
    }

    /** What the VM's kernel types have of {@code struct name}, for a refusal message. */
    private static String vmOffer(String name) {
        Btf vm = VmKernelTypes.btf();
        for (int id : vm.findAllByName(name)) {
            if (vm.type(id) instanceof BtfType.Composite c) {
                return "the VM's " + name + " has only " + String.join(", ", c.members().stream().map(BtfType.Member::name).toList());
            }
        }
        return "the VM's kernel types have no " + (name.isEmpty() ? "such struct" : "struct " + name);
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

    static void writeInt(byte[] code, int at, int value) {
        code[at] = (byte) value;
        code[at + 1] = (byte) (value >>> 8);
        code[at + 2] = (byte) (value >>> 16);
        code[at + 3] = (byte) (value >>> 24);
    }
}
