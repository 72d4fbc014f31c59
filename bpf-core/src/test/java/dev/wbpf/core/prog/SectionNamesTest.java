package dev.wbpf.core.prog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SectionNamesTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "tp/syscalls/sys_enter_execve,         TRACEPOINT,      NONE,                TRACEPOINT,     syscalls/sys_enter_execve",
            "tracepoint/sched/sched_process_exit,  TRACEPOINT,      NONE,                TRACEPOINT,     sched/sched_process_exit",
            "raw_tp/sched_switch,                  RAW_TRACEPOINT,  NONE,                RAW_TRACEPOINT, sched_switch",
            "raw_tracepoint.w/bpf_test,            RAW_TRACEPOINT_WRITABLE, NONE,        RAW_TRACEPOINT, bpf_test",
            "tp_btf/sched_wakeup,                  TRACING,         TRACE_RAW_TP,        TP_BTF,         sched_wakeup",
            "fentry/do_unlinkat,                   TRACING,         TRACE_FENTRY,        FENTRY,         do_unlinkat",
            "fexit/do_unlinkat,                    TRACING,         TRACE_FEXIT,         FEXIT,          do_unlinkat",
            "fmod_ret/security_file_open,          TRACING,         MODIFY_RETURN,       FMOD_RET,       security_file_open",
            "kprobe/do_sys_openat2,                KPROBE,          NONE,                KPROBE,         do_sys_openat2",
            "kretprobe/do_sys_openat2,             KPROBE,          NONE,                KRETPROBE,      do_sys_openat2",
            "uprobe//bin/bash:readline,            KPROBE,          NONE,                UPROBE,         /bin/bash:readline",
            "uretprobe//lib/libc.so.6:malloc+0x10, KPROBE,          NONE,                URETPROBE,      /lib/libc.so.6:malloc+0x10",
            "uprobe,                               KPROBE,          NONE,                UPROBE,         ''",
            "usdt/libc:setjmp,                     KPROBE,          NONE,                USDT,           libc:setjmp",
            "lsm/file_open,                        LSM,             LSM_MAC,             LSM,            file_open",
            "xdp,                                  XDP,             XDP,                 XDP,            ''",
            "xdp/devmap,                           XDP,             XDP_DEVMAP,          XDP,            ''",
            "socket,                               SOCKET_FILTER,   NONE,                SOCKET_FILTER,  ''",
            "tc,                                   SCHED_CLS,       NONE,                TC,             ''",
            "classifier,                           SCHED_CLS,       NONE,                TC,             ''",
            "tc/ingress,                           SCHED_CLS,       TCX_INGRESS,         TCX,            ''",
            "cgroup_skb/ingress,                   CGROUP_SKB,      CGROUP_INET_INGRESS, CGROUP,         ''",
            "cgroup_skb/egress,                    CGROUP_SKB,      CGROUP_INET_EGRESS,  CGROUP,         ''",
            "cgroup/connect4,                      CGROUP_SOCK_ADDR, CGROUP_INET4_CONNECT, CGROUP,       ''",
            "cgroup/dev,                           CGROUP_DEVICE,   CGROUP_DEVICE,       CGROUP,         ''",
            "sockops,                              SOCK_OPS,        CGROUP_SOCK_OPS,     SOCKOPS,        ''",
            "perf_event,                           PERF_EVENT,      NONE,                PERF_EVENT,     ''",
            "iter/task,                            TRACING,         TRACE_ITER,          ITER,           task",
            "sk_reuseport/migrate,                 SK_REUSEPORT,    SK_REUSEPORT_SELECT_OR_MIGRATE, SK_REUSEPORT, ''",
    })
    void sectionMeansWhatLibbpfSays(String section, ProgramType type, AttachType attach, AttachKind kind, String target) {
        ProgramSection parsed = SectionNames.parse(section).orElseThrow();
        assertEquals(type, parsed.type());
        assertEquals(attach, parsed.expectedAttach());
        assertEquals(kind, parsed.kind());
        assertEquals(target, parsed.target());
    }

    @ParameterizedTest
    @ValueSource(strings = {"fentry.s/do_unlinkat", "lsm.s/bprm_committed_creds", "uprobe.s//bin/bash:readline", "syscall"})
    void sleepableSections(String section) {
        assertTrue(SectionNames.parse(section).orElseThrow().sleepable());
    }

    @ParameterizedTest
    @ValueSource(strings = {".text", "license", ".maps", "xdpfoo", "tpx/a/b", "socket2", "kprobes/x", ""})
    void nonProgramSectionsAreNotRecognised(String section) {
        assertTrue(SectionNames.parse(section).isEmpty(), section);
    }

    @org.junit.jupiter.api.Test
    void xdpFragmentsAreFlagged() {
        assertTrue(SectionNames.parse("xdp.frags").orElseThrow().fragments());
    }

    @org.junit.jupiter.api.Test
    void kernelNumbersFollowTheUapiHeader() {
        assertEquals(6, ProgramType.XDP.kernelValue());
        assertEquals(26, ProgramType.TRACING.kernelValue());
        assertEquals(32, ProgramType.NETFILTER.kernelValue());
        assertEquals(37, AttachType.XDP.kernelValue());
        assertEquals(44, AttachType.STRUCT_OPS.kernelValue());
        assertEquals(56, AttachType.TRACE_KPROBE_SESSION.kernelValue());
    }
}
