package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HelperFault;
import dev.wbpf.vm.context.XdpContext;

/** The table of every helper the VM implements, by kernel number. */
final class StandardHelpers {
    private StandardHelpers() {}

    static final HelperTable TABLE = build();

    private static HelperTable build() {
        return HelperTable.empty()
                .with(HelperIds.MAP_LOOKUP_ELEM, "bpf_map_lookup_elem", MapHelpers::lookup)
                .with(HelperIds.MAP_UPDATE_ELEM, "bpf_map_update_elem", MapHelpers::update)
                .with(HelperIds.MAP_DELETE_ELEM, "bpf_map_delete_elem", MapHelpers::delete)
                .with(HelperIds.PROBE_READ, "bpf_probe_read", MemoryHelpers::probeRead)
                .with(HelperIds.KTIME_GET_NS, "bpf_ktime_get_ns", TaskHelpers::ktimeGetNs)
                .with(HelperIds.TRACE_PRINTK, "bpf_trace_printk", TaskHelpers::tracePrintk)
                .with(HelperIds.GET_PRANDOM_U32, "bpf_get_prandom_u32", TaskHelpers::prandomU32)
                .with(HelperIds.GET_SMP_PROCESSOR_ID, "bpf_get_smp_processor_id", TaskHelpers::smpProcessorId)
                // Carried out by the machine itself (it replaces the running program); here only for its name.
                .with(HelperIds.TAIL_CALL, "bpf_tail_call", (ctx, a, b, c, d, e) -> {
                    throw new HelperFault(ctx.instruction(), "bpf_tail_call must be handled by the machine");
                })
                .with(HelperIds.GET_CURRENT_PID_TGID, "bpf_get_current_pid_tgid", TaskHelpers::currentPidTgid)
                .with(HelperIds.GET_CURRENT_UID_GID, "bpf_get_current_uid_gid", TaskHelpers::currentUidGid)
                .with(HelperIds.GET_CURRENT_COMM, "bpf_get_current_comm", TaskHelpers::currentComm)
                .with(HelperIds.PERF_EVENT_OUTPUT, "bpf_perf_event_output", TaskHelpers::perfEventOutput)
                .with(HelperIds.SKB_LOAD_BYTES, "bpf_skb_load_bytes", MemoryHelpers::skbLoadBytes)
                .with(HelperIds.CSUM_DIFF, "bpf_csum_diff", MemoryHelpers::csumDiff)
                .with(HelperIds.GET_CURRENT_TASK, "bpf_get_current_task", TaskHelpers::currentTask)
                .with(HelperIds.PROBE_READ_STR, "bpf_probe_read_str", MemoryHelpers::probeReadStr)
                .with(HelperIds.MAP_PUSH_ELEM, "bpf_map_push_elem", MapHelpers::push)
                .with(HelperIds.MAP_POP_ELEM, "bpf_map_pop_elem", MapHelpers::pop)
                .with(HelperIds.MAP_PEEK_ELEM, "bpf_map_peek_elem", MapHelpers::peek)
                .with(HelperIds.SPIN_LOCK, "bpf_spin_lock", ControlHelpers::spinLock)
                .with(HelperIds.SPIN_UNLOCK, "bpf_spin_unlock", ControlHelpers::spinUnlock)
                .with(HelperIds.PROBE_READ_USER, "bpf_probe_read_user", MemoryHelpers::probeRead)
                .with(HelperIds.PROBE_READ_KERNEL, "bpf_probe_read_kernel", MemoryHelpers::probeRead)
                .with(HelperIds.PROBE_READ_USER_STR, "bpf_probe_read_user_str", MemoryHelpers::probeReadStr)
                .with(HelperIds.PROBE_READ_KERNEL_STR, "bpf_probe_read_kernel_str", MemoryHelpers::probeReadStr)
                .with(HelperIds.KTIME_GET_BOOT_NS, "bpf_ktime_get_boot_ns", TaskHelpers::ktimeGetBootNs)
                .with(HelperIds.RINGBUF_OUTPUT, "bpf_ringbuf_output", RingBufferHelpers::output)
                .with(HelperIds.RINGBUF_RESERVE, "bpf_ringbuf_reserve", RingBufferHelpers::reserve)
                .with(HelperIds.RINGBUF_SUBMIT, "bpf_ringbuf_submit", RingBufferHelpers::submit)
                .with(HelperIds.RINGBUF_DISCARD, "bpf_ringbuf_discard", RingBufferHelpers::discard)
                .with(HelperIds.RINGBUF_QUERY, "bpf_ringbuf_query", RingBufferHelpers::query)
                .with(HelperIds.TASK_STORAGE_GET, "bpf_task_storage_get", MapHelpers::taskStorageGet)
                .with(HelperIds.TASK_STORAGE_DELETE, "bpf_task_storage_delete", MapHelpers::taskStorageDelete)
                .with(HelperIds.GET_CURRENT_TASK_BTF, "bpf_get_current_task_btf", TaskHelpers::currentTask)
                .with(HelperIds.KTIME_GET_COARSE_NS, "bpf_ktime_get_coarse_ns", TaskHelpers::ktimeGetCoarseNs)
                .with(HelperIds.FOR_EACH_MAP_ELEM, "bpf_for_each_map_elem", ControlHelpers::forEachMapElem)
                .with(HelperIds.SNPRINTF, "bpf_snprintf", Snprintf::snprintf)
                .with(HelperIds.GET_ATTACH_COOKIE, "bpf_get_attach_cookie", TaskHelpers::attachCookie)
                .with(HelperIds.LOOP, "bpf_loop", ControlHelpers::loop)
                .with(HelperIds.STRNCMP, "bpf_strncmp", MemoryHelpers::strncmp)
                .with(HelperIds.XDP_ADJUST_HEAD, "bpf_xdp_adjust_head", (ctx, xdp, delta, c, d, e) -> xdp(ctx, xdp).adjustHead((int) delta))
                .with(HelperIds.XDP_ADJUST_TAIL, "bpf_xdp_adjust_tail", (ctx, xdp, delta, c, d, e) -> xdp(ctx, xdp).adjustTail((int) delta))
                .with(HelperIds.XDP_ADJUST_META, "bpf_xdp_adjust_meta", (ctx, xdp, delta, c, d, e) -> xdp(ctx, xdp).adjustMeta((int) delta));
    }

    /** The XDP buffer behind the program's context argument {@code r1}. */
    private static XdpContext xdp(ExecutionContext ctx, long r1) {
        if (ctx.programContext() instanceof XdpContext xdp && xdp.pointer() == r1) {
            return xdp;
        }
        throw new HelperFault(ctx.instruction(), "XDP helper called with 0x" + Long.toHexString(r1) + ", which is not the xdp_md of an XDP program");
    }
}
