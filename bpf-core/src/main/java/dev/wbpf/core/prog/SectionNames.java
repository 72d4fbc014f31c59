package dev.wbpf.core.prog;

import static dev.wbpf.core.prog.AttachKind.*;

import java.util.List;
import java.util.Optional;

/**
 * libbpf's table of program section names: what program type, expected attach type and attach
 * kind a section such as {@code tp/sched/sched_switch} or {@code uprobe//bin/bash:readline} means.
 *
 * <p>A pattern ending in {@code +} matches the bare prefix or the prefix followed by {@code /} and a
 * target; other patterns match exactly. Order matters: the first match wins, so longer, more
 * specific patterns come before the shorter ones they share a prefix with (as in libbpf).
 */
public final class SectionNames {

    private record Rule(String pattern, ProgramType type, AttachType attach, AttachKind kind, boolean sleepable) {
        boolean takesTarget() {
            return pattern.endsWith("+");
        }

        String prefix() {
            return takesTarget() ? pattern.substring(0, pattern.length() - 1) : pattern;
        }
    }

    private static final List<Rule> RULES = List.of(
            rule("socket", ProgramType.SOCKET_FILTER, AttachType.NONE, SOCKET_FILTER),
            rule("sk_reuseport/migrate", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT_OR_MIGRATE, SK_REUSEPORT),
            rule("sk_reuseport", ProgramType.SK_REUSEPORT, AttachType.SK_REUSEPORT_SELECT, SK_REUSEPORT),
            rule("kprobe+", ProgramType.KPROBE, AttachType.NONE, KPROBE),
            rule("uprobe+", ProgramType.KPROBE, AttachType.NONE, UPROBE),
            sleepable("uprobe.s+", ProgramType.KPROBE, AttachType.NONE, UPROBE),
            rule("kretprobe+", ProgramType.KPROBE, AttachType.NONE, KRETPROBE),
            rule("uretprobe+", ProgramType.KPROBE, AttachType.NONE, URETPROBE),
            sleepable("uretprobe.s+", ProgramType.KPROBE, AttachType.NONE, URETPROBE),
            rule("kprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, KPROBE_MULTI),
            rule("kretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_MULTI, KPROBE_MULTI),
            rule("kprobe.session+", ProgramType.KPROBE, AttachType.TRACE_KPROBE_SESSION, KPROBE_MULTI),
            rule("uprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, UPROBE_MULTI),
            rule("uretprobe.multi+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, UPROBE_MULTI),
            sleepable("uprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, UPROBE_MULTI),
            sleepable("uretprobe.multi.s+", ProgramType.KPROBE, AttachType.TRACE_UPROBE_MULTI, UPROBE_MULTI),
            rule("ksyscall+", ProgramType.KPROBE, AttachType.NONE, KSYSCALL),
            rule("kretsyscall+", ProgramType.KPROBE, AttachType.NONE, KSYSCALL),
            rule("usdt+", ProgramType.KPROBE, AttachType.NONE, USDT),
            sleepable("usdt.s+", ProgramType.KPROBE, AttachType.NONE, USDT),
            rule("tc/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, TCX),
            rule("tc/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, TCX),
            rule("tcx/ingress", ProgramType.SCHED_CLS, AttachType.TCX_INGRESS, TCX),
            rule("tcx/egress", ProgramType.SCHED_CLS, AttachType.TCX_EGRESS, TCX),
            rule("tc", ProgramType.SCHED_CLS, AttachType.NONE, TC),
            rule("classifier", ProgramType.SCHED_CLS, AttachType.NONE, TC),
            rule("action", ProgramType.SCHED_ACT, AttachType.NONE, TC),
            rule("netkit/primary", ProgramType.SCHED_CLS, AttachType.NETKIT_PRIMARY, NETKIT),
            rule("netkit/peer", ProgramType.SCHED_CLS, AttachType.NETKIT_PEER, NETKIT),
            rule("tracepoint+", ProgramType.TRACEPOINT, AttachType.NONE, TRACEPOINT),
            rule("tp+", ProgramType.TRACEPOINT, AttachType.NONE, TRACEPOINT),
            rule("raw_tracepoint+", ProgramType.RAW_TRACEPOINT, AttachType.NONE, RAW_TRACEPOINT),
            rule("raw_tp+", ProgramType.RAW_TRACEPOINT, AttachType.NONE, RAW_TRACEPOINT),
            rule("raw_tracepoint.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, AttachType.NONE, RAW_TRACEPOINT),
            rule("raw_tp.w+", ProgramType.RAW_TRACEPOINT_WRITABLE, AttachType.NONE, RAW_TRACEPOINT),
            rule("tp_btf+", ProgramType.TRACING, AttachType.TRACE_RAW_TP, TP_BTF),
            rule("fentry+", ProgramType.TRACING, AttachType.TRACE_FENTRY, FENTRY),
            rule("fmod_ret+", ProgramType.TRACING, AttachType.MODIFY_RETURN, FMOD_RET),
            rule("fexit+", ProgramType.TRACING, AttachType.TRACE_FEXIT, FEXIT),
            sleepable("fentry.s+", ProgramType.TRACING, AttachType.TRACE_FENTRY, FENTRY),
            sleepable("fmod_ret.s+", ProgramType.TRACING, AttachType.MODIFY_RETURN, FMOD_RET),
            sleepable("fexit.s+", ProgramType.TRACING, AttachType.TRACE_FEXIT, FEXIT),
            rule("freplace+", ProgramType.EXT, AttachType.NONE, FREPLACE),
            rule("lsm+", ProgramType.LSM, AttachType.LSM_MAC, LSM),
            sleepable("lsm.s+", ProgramType.LSM, AttachType.LSM_MAC, LSM),
            rule("lsm_cgroup+", ProgramType.LSM, AttachType.LSM_CGROUP, LSM),
            rule("iter+", ProgramType.TRACING, AttachType.TRACE_ITER, ITER),
            sleepable("iter.s+", ProgramType.TRACING, AttachType.TRACE_ITER, ITER),
            sleepable("syscall", ProgramType.SYSCALL, AttachType.NONE, SYSCALL),
            rule("xdp.frags/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, XDP),
            rule("xdp/devmap", ProgramType.XDP, AttachType.XDP_DEVMAP, XDP),
            rule("xdp.frags/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, XDP),
            rule("xdp/cpumap", ProgramType.XDP, AttachType.XDP_CPUMAP, XDP),
            rule("xdp.frags", ProgramType.XDP, AttachType.XDP, XDP),
            rule("xdp", ProgramType.XDP, AttachType.XDP, XDP),
            rule("perf_event", ProgramType.PERF_EVENT, AttachType.NONE, PERF_EVENT),
            rule("lwt_in", ProgramType.LWT_IN, AttachType.NONE, LWT),
            rule("lwt_out", ProgramType.LWT_OUT, AttachType.NONE, LWT),
            rule("lwt_xmit", ProgramType.LWT_XMIT, AttachType.NONE, LWT),
            rule("lwt_seg6local", ProgramType.LWT_SEG6LOCAL, AttachType.NONE, LWT),
            rule("sockops", ProgramType.SOCK_OPS, AttachType.CGROUP_SOCK_OPS, SOCKOPS),
            rule("sk_skb/stream_parser", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_PARSER, SK_SKB),
            rule("sk_skb/stream_verdict", ProgramType.SK_SKB, AttachType.SK_SKB_STREAM_VERDICT, SK_SKB),
            rule("sk_skb/verdict", ProgramType.SK_SKB, AttachType.SK_SKB_VERDICT, SK_SKB),
            rule("sk_skb", ProgramType.SK_SKB, AttachType.NONE, SK_SKB),
            rule("sk_msg", ProgramType.SK_MSG, AttachType.SK_MSG_VERDICT, SK_MSG),
            rule("lirc_mode2", ProgramType.LIRC_MODE2, AttachType.LIRC_MODE2, LIRC),
            rule("flow_dissector", ProgramType.FLOW_DISSECTOR, AttachType.FLOW_DISSECTOR, FLOW_DISSECTOR),
            rule("cgroup_skb/ingress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_INGRESS, CGROUP),
            rule("cgroup_skb/egress", ProgramType.CGROUP_SKB, AttachType.CGROUP_INET_EGRESS, CGROUP),
            rule("cgroup/skb", ProgramType.CGROUP_SKB, AttachType.NONE, CGROUP),
            rule("cgroup/sock_create", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, CGROUP),
            rule("cgroup/sock_release", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_RELEASE, CGROUP),
            rule("cgroup/sock", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET_SOCK_CREATE, CGROUP),
            rule("cgroup/post_bind4", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET4_POST_BIND, CGROUP),
            rule("cgroup/post_bind6", ProgramType.CGROUP_SOCK, AttachType.CGROUP_INET6_POST_BIND, CGROUP),
            rule("cgroup/bind4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_BIND, CGROUP),
            rule("cgroup/bind6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_BIND, CGROUP),
            rule("cgroup/connect4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_CONNECT, CGROUP),
            rule("cgroup/connect6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_CONNECT, CGROUP),
            rule("cgroup/connect_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_CONNECT, CGROUP),
            rule("cgroup/sendmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_SENDMSG, CGROUP),
            rule("cgroup/sendmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_SENDMSG, CGROUP),
            rule("cgroup/sendmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_SENDMSG, CGROUP),
            rule("cgroup/recvmsg4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP4_RECVMSG, CGROUP),
            rule("cgroup/recvmsg6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UDP6_RECVMSG, CGROUP),
            rule("cgroup/recvmsg_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_RECVMSG, CGROUP),
            rule("cgroup/getpeername4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETPEERNAME, CGROUP),
            rule("cgroup/getpeername6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETPEERNAME, CGROUP),
            rule("cgroup/getpeername_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETPEERNAME, CGROUP),
            rule("cgroup/getsockname4", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET4_GETSOCKNAME, CGROUP),
            rule("cgroup/getsockname6", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_INET6_GETSOCKNAME, CGROUP),
            rule("cgroup/getsockname_unix", ProgramType.CGROUP_SOCK_ADDR, AttachType.CGROUP_UNIX_GETSOCKNAME, CGROUP),
            rule("cgroup/sysctl", ProgramType.CGROUP_SYSCTL, AttachType.CGROUP_SYSCTL, CGROUP),
            rule("cgroup/getsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_GETSOCKOPT, CGROUP),
            rule("cgroup/setsockopt", ProgramType.CGROUP_SOCKOPT, AttachType.CGROUP_SETSOCKOPT, CGROUP),
            rule("cgroup/dev", ProgramType.CGROUP_DEVICE, AttachType.CGROUP_DEVICE, CGROUP),
            rule("struct_ops+", ProgramType.STRUCT_OPS, AttachType.NONE, STRUCT_OPS),
            sleepable("struct_ops.s+", ProgramType.STRUCT_OPS, AttachType.NONE, STRUCT_OPS),
            rule("sk_lookup", ProgramType.SK_LOOKUP, AttachType.SK_LOOKUP, SK_LOOKUP),
            rule("netfilter", ProgramType.NETFILTER, AttachType.NETFILTER, NETFILTER));

    private SectionNames() {
    }

    private static Rule rule(String pattern, ProgramType type, AttachType attach, AttachKind kind) {
        return new Rule(pattern, type, attach, kind, false);
    }

    private static Rule sleepable(String pattern, ProgramType type, AttachType attach, AttachKind kind) {
        return new Rule(pattern, type, attach, kind, true);
    }

    /** What {@code section} means, or empty if libbpf would not recognise it as a program section. */
    public static Optional<ProgramSection> parse(String section) {
        for (Rule rule : RULES) {
            String prefix = rule.prefix();
            String target;
            if (section.equals(prefix)) {
                target = "";
            } else if (rule.takesTarget() && section.startsWith(prefix + "/")) {
                target = section.substring(prefix.length() + 1);
            } else {
                continue;
            }
            return Optional.of(new ProgramSection(section, rule.type(), rule.attach(), rule.kind(), target,
                    rule.sleepable(), prefix.startsWith("xdp.frags")));
        }
        return Optional.empty();
    }
}
