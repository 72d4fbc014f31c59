package dev.wbpf.core.prog;

/** The kernel's {@code enum bpf_prog_type}; {@link #kernelValue()} is the uapi number. */
public enum ProgramType {
    UNSPEC, SOCKET_FILTER, KPROBE, SCHED_CLS, SCHED_ACT, TRACEPOINT, XDP, PERF_EVENT, CGROUP_SKB,
    CGROUP_SOCK, LWT_IN, LWT_OUT, LWT_XMIT, SOCK_OPS, SK_SKB, CGROUP_DEVICE, SK_MSG, RAW_TRACEPOINT,
    CGROUP_SOCK_ADDR, LWT_SEG6LOCAL, LIRC_MODE2, SK_REUSEPORT, FLOW_DISSECTOR, CGROUP_SYSCTL,
    RAW_TRACEPOINT_WRITABLE, CGROUP_SOCKOPT, TRACING, STRUCT_OPS, EXT, LSM, SK_LOOKUP, SYSCALL, NETFILTER;

    /** The value of {@code BPF_PROG_TYPE_*}; the enum order follows the uapi header. */
    public int kernelValue() {
        return ordinal();
    }

    /** libbpf's lower-case name, as printed by {@code bpftool prog}. */
    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
