/**
 * The VM's own event sources, as {@link dev.wbpf.vm.backend.VmAttachPoint}s of a
 * {@link dev.wbpf.vm.backend.VmBackend#standard() standard VM backend}; a program attached to
 * anything else is refused with the list of these.
 *
 * <h2>Packets: {@link dev.wbpf.vm.hook.VmNetwork}, {@link dev.wbpf.vm.hook.VmInterface}</h2>
 * {@code xdp}, {@code tc}/{@code classifier} and {@code socket} programs attach by interface name
 * ({@code attach("lo")}). Frames come from {@link dev.wbpf.vm.hook.VmInterface#replay} (pcap or
 * pcapng, Ethernet only, read by {@link dev.wbpf.vm.hook.Pcap}) or
 * {@link dev.wbpf.vm.hook.VmInterface#inject}, or from a {@link dev.wbpf.vm.hook.PcapReplay} that waits
 * for programs to attach ({@code wbpf run --pcap}). Per frame: XDP (context {@code struct xdp_md},
 * verdicts counted, head/tail adjustments applied), then tc ({@code struct __sk_buff} from the
 * Ethernet header; TC_ACT_SHOT drops), then every socket filter ({@code struct __sk_buff} from the
 * Ethernet header, LD_ABS offsets too; the return value is the number of bytes that socket gets,
 * 0 = none). Passed frames can be written to a pcap file ({@link dev.wbpf.vm.hook.PcapWriter}).
 * Counters: {@link dev.wbpf.vm.hook.VmInterface#counters()} / {@code summary()}.
 *
 * <h2>Application probes: {@link dev.wbpf.vm.hook.VmProbes}</h2>
 * {@code VmProbes.probe("myapp", "request").fire(a, b, ...)} with up to six longs.
 * {@code raw_tp/request} or {@code raw_tp/myapp:request}: {@code struct bpf_raw_tracepoint_args
 * { __u64 args[6]; }}. {@code usdt/myapp:request}: x86-64 {@code struct pt_regs} (168 bytes) with
 * the arguments in di, si, dx, cx, r8, r9 ({@code PT_REGS_PARM1..6}).
 *
 * <h2>The JVM observing itself: {@link dev.wbpf.vm.hook.JvmTracepoints}</h2>
 * {@code tp/jvm/file_read}, {@code file_write}, {@code socket_read}, {@code socket_write},
 * {@code thread_start}, {@code thread_end}, {@code gc}, {@code exception_throw},
 * {@code exception_stats}, {@code monitor_wait}, {@code cpu_load}: JFR events streamed live; the
 * 128-byte C layouts are in that class's documentation.
 *
 * <h2>Timers: {@link dev.wbpf.vm.hook.VmTimers}</h2>
 * {@code perf_event} programs, attach target {@code "99"} or {@code "freq=99"} (default 49 Hz);
 * context {@code struct bpf_perf_event_data} with zero registers and {@code sample_period} =
 * 1e9 / Hz.
 */
package dev.wbpf.vm.hook;
