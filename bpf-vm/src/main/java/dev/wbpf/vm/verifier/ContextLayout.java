package dev.wbpf.vm.verifier;

import dev.wbpf.core.prog.ProgramType;
import java.util.List;

/**
 * Which bytes of the context a program type may read and write, and what a read yields:
 * {@code struct xdp_md}, {@code struct __sk_buff} (socket filter, tc), and the flat argument
 * buffers of tracepoints, raw tracepoints and syscall programs, and the read-only
 * {@code bpf_perf_event_data} (perf_event) and {@code pt_regs} (kprobe/usdt) the VM's timers and
 * application probes present.
 */
final class ContextLayout {
    enum Kind { SCALAR, PACKET, PACKET_END, PACKET_META, DENIED }

    record Field(String name, int off, int size, Kind kind, boolean writable) {
        boolean covers(int o, int s) {
            return o >= off && o + s <= off + size;
        }
    }

    final String structName;
    final int size;
    final List<Field> fields; // null for a flat buffer
    final boolean flatWritable;

    private ContextLayout(String structName, int size, List<Field> fields, boolean flatWritable) {
        this.structName = structName;
        this.size = size;
        this.fields = fields;
        this.flatWritable = flatWritable;
    }

    /** x86-64 {@code struct pt_regs}: 21 u64 registers. */
    static final int PT_REGS_SIZE = 21 * 8;
    /** {@code struct bpf_perf_event_data}: pt_regs, then u64 sample_period and u64 addr. */
    static final int PERF_EVENT_DATA_SIZE = PT_REGS_SIZE + 16;

    /** Default size of the caller-supplied argument buffer per program type. */
    static int defaultSize(ProgramType type) {
        return switch (type) {
            case RAW_TRACEPOINT, RAW_TRACEPOINT_WRITABLE -> 8 * 12;
            case TRACEPOINT -> 128;
            case PERF_EVENT -> PERF_EVENT_DATA_SIZE;
            case KPROBE -> PT_REGS_SIZE;
            default -> 0xffff;
        };
    }

    /** The layout for {@code type}, or null when the VM has no context for it. */
    static ContextLayout of(ProgramType type, int flatSize) {
        return switch (type) {
            case XDP -> new ContextLayout("xdp_md", 24, List.of(
                    new Field("data", 0, 4, Kind.PACKET, false),
                    new Field("data_end", 4, 4, Kind.PACKET_END, false),
                    new Field("data_meta", 8, 4, Kind.PACKET_META, false),
                    new Field("ingress_ifindex", 12, 4, Kind.SCALAR, false),
                    new Field("rx_queue_index", 16, 4, Kind.SCALAR, false),
                    new Field("egress_ifindex", 20, 4, Kind.SCALAR, false)), false);
            case SOCKET_FILTER -> skBuff(false);
            case SCHED_CLS, SCHED_ACT -> skBuff(true);
            case RAW_TRACEPOINT, TRACEPOINT -> new ContextLayout("trace args", flatSize, null, false);
            case PERF_EVENT -> new ContextLayout("bpf_perf_event_data", flatSize, null, false);
            case KPROBE -> new ContextLayout("pt_regs", flatSize, null, false);
            case SYSCALL, UNSPEC -> new ContextLayout("syscall args", flatSize, null, true);
            default -> null;
        };
    }

    /**
     * Why the VM has no context for {@code type} (for which {@link #of} is null): these program
     * types act on kernel objects or hook kernel code paths that do not exist inside a JVM.
     */
    static String kernelOnlyReason(ProgramType type) {
        String why = switch (type) {
            case TRACING -> "fentry/fexit/fmod_ret/tp_btf/iter programs attach to kernel functions and BTF tracepoints"
                    + " and take kernel objects (PTR_TO_BTF_ID) as arguments";
            case LSM -> "LSM programs hook the kernel's security checks";
            case CGROUP_SKB, CGROUP_SOCK, CGROUP_DEVICE, CGROUP_SOCK_ADDR, CGROUP_SYSCTL, CGROUP_SOCKOPT ->
                    "cgroup programs run on the kernel's cgroup hooks (sockets, devices, sysctls) of a cgroup's processes";
            case SOCK_OPS, SK_SKB, SK_MSG, SK_REUSEPORT, SK_LOOKUP -> "socket programs act on the kernel's sockets and their state";
            case STRUCT_OPS, EXT -> "they replace kernel or already-loaded program functions";
            default -> "they hook kernel subsystems (lightweight tunnels, netfilter, the flow dissector, IR decoders)";
        };
        return "program type " + type.displayName() + " is not supported by the VM: " + why
                + ", which exist only in the kernel; load it on the kernel backend";
    }

    private static ContextLayout skBuff(boolean tc) {
        Kind tcOnly = tc ? Kind.SCALAR : Kind.DENIED;
        return new ContextLayout("__sk_buff", 192, List.of(
                new Field("len", 0, 4, Kind.SCALAR, false),
                new Field("pkt_type", 4, 4, Kind.SCALAR, false),
                new Field("mark", 8, 4, Kind.SCALAR, tc),
                new Field("queue_mapping", 12, 4, Kind.SCALAR, tc),
                new Field("protocol", 16, 4, Kind.SCALAR, false),
                new Field("vlan_present", 20, 4, Kind.SCALAR, false),
                new Field("vlan_tci", 24, 4, Kind.SCALAR, false),
                new Field("vlan_proto", 28, 4, Kind.SCALAR, false),
                new Field("priority", 32, 4, Kind.SCALAR, tc),
                new Field("ingress_ifindex", 36, 4, Kind.SCALAR, false),
                new Field("ifindex", 40, 4, Kind.SCALAR, false),
                new Field("tc_index", 44, 4, Kind.SCALAR, tc),
                new Field("cb", 48, 20, Kind.SCALAR, true),
                new Field("hash", 68, 4, Kind.SCALAR, false),
                new Field("tc_classid", 72, 4, tcOnly, tc),
                new Field("data", 76, 4, tc ? Kind.PACKET : Kind.DENIED, false),
                new Field("data_end", 80, 4, tc ? Kind.PACKET_END : Kind.DENIED, false),
                new Field("napi_id", 84, 4, Kind.SCALAR, false),
                new Field("family", 88, 4, Kind.SCALAR, false),
                new Field("remote_ip4", 92, 4, Kind.SCALAR, false),
                new Field("local_ip4", 96, 4, Kind.SCALAR, false),
                new Field("remote_ip6", 100, 16, Kind.SCALAR, false),
                new Field("local_ip6", 116, 16, Kind.SCALAR, false),
                new Field("remote_port", 132, 4, Kind.SCALAR, false),
                new Field("local_port", 136, 4, Kind.SCALAR, false),
                new Field("data_meta", 140, 4, tc ? Kind.PACKET_META : Kind.DENIED, false),
                new Field("flow_keys", 144, 8, Kind.DENIED, false),
                new Field("tstamp", 152, 8, Kind.SCALAR, tc),
                new Field("wire_len", 160, 4, tcOnly, false),
                new Field("gso_segs", 164, 4, Kind.SCALAR, false),
                new Field("sk", 168, 8, Kind.DENIED, false),
                new Field("gso_size", 176, 4, Kind.SCALAR, false),
                new Field("tstamp_type", 180, 4, Kind.DENIED, false),
                new Field("hwtstamp", 184, 8, Kind.SCALAR, false)), false);
    }

    /** The field holding [off, off+size), or null. */
    Field field(int off, int size) {
        if (fields == null) {
            return null;
        }
        for (Field f : fields) {
            if (f.covers(off, size)) {
                return f;
            }
        }
        return null;
    }
}
