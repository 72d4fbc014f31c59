package dev.wbpf.core.prog;

/**
 * How a program is attached, as implied by its section name. Each backend has one attach
 * implementation per kind; {@link #NONE} programs are loaded but not auto-attached.
 */
public enum AttachKind {
    NONE, TRACEPOINT, RAW_TRACEPOINT, TP_BTF, FENTRY, FEXIT, FMOD_RET, FREPLACE, KPROBE, KRETPROBE,
    KPROBE_MULTI, KSYSCALL, UPROBE, URETPROBE, UPROBE_MULTI, USDT, LSM, ITER, XDP, TC, TCX, NETKIT,
    SOCKET_FILTER, CGROUP, SOCKOPS, SK_SKB, SK_MSG, SK_LOOKUP, FLOW_DISSECTOR, LIRC, PERF_EVENT,
    STRUCT_OPS, NETFILTER, LWT, SK_REUSEPORT, SYSCALL;

    public String displayName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
