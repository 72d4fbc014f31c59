package dev.wbpf.vm.verifier;

import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import java.util.EnumSet;
import java.util.Set;

/** Argument and return types of the helpers the VM implements (the kernel's bpf_func_proto, abridged). */
final class HelperPrototypes {
    private HelperPrototypes() {}

    enum Arg {
        NONE, ANYTHING, CONST_MAP_PTR, MAP_KEY, MAP_VALUE, UNINIT_MAP_VALUE,
        /** Readable memory whose size is the next argument. */
        MEM, MEM_OR_NULL,
        /** Writable memory (need not be initialised) whose size is the next argument. */
        UNINIT_MEM,
        CONST_SIZE, CONST_SIZE_OR_ZERO, CTX, FUNC, STACK_OR_NULL, RINGBUF_RELEASE, CONST_ALLOC_SIZE, CONST_STR, SPIN_LOCK,
        /** A map value's worth of readable memory, or NULL. */
        MAP_VALUE_OR_NULL,
        /** A task_struct pointer of the VM's kernel types (PTR_TO_BTF_ID), or NULL with the _OR_NULL form. */
        TASK, TASK_OR_NULL
    }

    enum Ret { INTEGER, U32, VOID, MAP_VALUE_OR_NULL, RINGBUF_MEM_OR_NULL, TASK_STRUCT }

    record Proto(Ret ret, Set<ProgramType> types, Set<MapType> mapTypes, boolean mapTypesExcluded, boolean changesPacket,
                 Arg... args) {
        boolean allows(ProgramType type) {
            return types == null || types.contains(type);
        }

        boolean allowsMap(MapType type) {
            if (mapTypes == null) {
                return true;
            }
            return mapTypesExcluded != mapTypes.contains(type);
        }
    }

    private static final Set<ProgramType> SKB = EnumSet.of(ProgramType.SOCKET_FILTER, ProgramType.SCHED_CLS, ProgramType.SCHED_ACT);
    private static final Set<ProgramType> XDP = EnumSet.of(ProgramType.XDP);
    private static final Set<ProgramType> TRACING = EnumSet.of(ProgramType.KPROBE, ProgramType.TRACEPOINT, ProgramType.PERF_EVENT,
            ProgramType.RAW_TRACEPOINT, ProgramType.TRACING);
    private static final Set<MapType> NO_ELEMENT_LOOKUP = EnumSet.of(MapType.RINGBUF, MapType.PERF_EVENT_ARRAY, MapType.QUEUE,
            MapType.STACK, MapType.PROG_ARRAY, MapType.USER_RINGBUF, MapType.TASK_STORAGE);
    private static final Set<MapType> NO_ELEMENT_UPDATE = EnumSet.of(MapType.RINGBUF, MapType.PERF_EVENT_ARRAY, MapType.QUEUE,
            MapType.STACK, MapType.PROG_ARRAY, MapType.USER_RINGBUF, MapType.ARRAY_OF_MAPS, MapType.HASH_OF_MAPS,
            MapType.TASK_STORAGE);
    private static final Set<MapType> QUEUES = EnumSet.of(MapType.QUEUE, MapType.STACK);
    private static final Set<MapType> RINGBUF = EnumSet.of(MapType.RINGBUF);

    private static final Proto[] PROTOS = new Proto[256];

    private static void def(int id, Ret ret, Arg... args) {
        PROTOS[id] = new Proto(ret, null, null, false, false, args);
    }

    private static void def(int id, Proto proto) {
        PROTOS[id] = proto;
    }

    static {
        def(HelperIds.MAP_LOOKUP_ELEM, new Proto(Ret.MAP_VALUE_OR_NULL, null, NO_ELEMENT_LOOKUP, true, false, Arg.CONST_MAP_PTR, Arg.MAP_KEY));
        def(HelperIds.MAP_UPDATE_ELEM, new Proto(Ret.INTEGER, null, NO_ELEMENT_UPDATE, true, false,
                Arg.CONST_MAP_PTR, Arg.MAP_KEY, Arg.MAP_VALUE, Arg.ANYTHING));
        def(HelperIds.MAP_DELETE_ELEM, new Proto(Ret.INTEGER, null, NO_ELEMENT_UPDATE, true, false, Arg.CONST_MAP_PTR, Arg.MAP_KEY));
        for (int id : new int[] {HelperIds.PROBE_READ, HelperIds.PROBE_READ_USER, HelperIds.PROBE_READ_KERNEL,
                HelperIds.PROBE_READ_STR, HelperIds.PROBE_READ_USER_STR, HelperIds.PROBE_READ_KERNEL_STR}) {
            def(id, Ret.INTEGER, Arg.UNINIT_MEM, Arg.CONST_SIZE_OR_ZERO, Arg.ANYTHING);
        }
        def(HelperIds.KTIME_GET_NS, Ret.INTEGER);
        def(HelperIds.KTIME_GET_BOOT_NS, Ret.INTEGER);
        def(HelperIds.KTIME_GET_COARSE_NS, Ret.INTEGER);
        def(HelperIds.TRACE_PRINTK, Ret.INTEGER, Arg.MEM, Arg.CONST_SIZE); // r3..r5 are read as they are
        def(HelperIds.GET_PRANDOM_U32, Ret.U32);
        def(HelperIds.GET_SMP_PROCESSOR_ID, Ret.U32);
        def(HelperIds.TAIL_CALL, new Proto(Ret.INTEGER, null, EnumSet.of(MapType.PROG_ARRAY), false, false,
                Arg.CTX, Arg.CONST_MAP_PTR, Arg.ANYTHING));
        def(HelperIds.GET_CURRENT_PID_TGID, Ret.INTEGER);
        def(HelperIds.GET_CURRENT_UID_GID, Ret.INTEGER);
        def(HelperIds.GET_CURRENT_COMM, Ret.INTEGER, Arg.UNINIT_MEM, Arg.CONST_SIZE);
        def(HelperIds.GET_CURRENT_TASK, Ret.INTEGER); // an address for probe_read_kernel, as in the kernel
        def(HelperIds.TASK_STORAGE_GET, new Proto(Ret.MAP_VALUE_OR_NULL, TRACING, EnumSet.of(MapType.TASK_STORAGE), false, false,
                Arg.CONST_MAP_PTR, Arg.TASK_OR_NULL, Arg.MAP_VALUE_OR_NULL, Arg.ANYTHING));
        def(HelperIds.TASK_STORAGE_DELETE, new Proto(Ret.INTEGER, TRACING, EnumSet.of(MapType.TASK_STORAGE), false, false,
                Arg.CONST_MAP_PTR, Arg.TASK));
        def(HelperIds.GET_CURRENT_TASK_BTF, new Proto(Ret.TASK_STRUCT, TRACING, null, false, false));
        def(HelperIds.GET_ATTACH_COOKIE, new Proto(Ret.INTEGER, TRACING, null, false, false, Arg.CTX));
        def(HelperIds.PERF_EVENT_OUTPUT, new Proto(Ret.INTEGER, null, EnumSet.of(MapType.PERF_EVENT_ARRAY), false, false,
                Arg.CTX, Arg.CONST_MAP_PTR, Arg.ANYTHING, Arg.MEM, Arg.CONST_SIZE_OR_ZERO));
        def(HelperIds.SKB_LOAD_BYTES, new Proto(Ret.INTEGER, SKB, null, false, false,
                Arg.CTX, Arg.ANYTHING, Arg.UNINIT_MEM, Arg.CONST_SIZE));
        def(HelperIds.CSUM_DIFF, Ret.INTEGER, Arg.MEM_OR_NULL, Arg.CONST_SIZE_OR_ZERO, Arg.MEM_OR_NULL, Arg.CONST_SIZE_OR_ZERO, Arg.ANYTHING);
        def(HelperIds.XDP_ADJUST_HEAD, new Proto(Ret.INTEGER, XDP, null, false, true, Arg.CTX, Arg.ANYTHING));
        def(HelperIds.XDP_ADJUST_TAIL, new Proto(Ret.INTEGER, XDP, null, false, true, Arg.CTX, Arg.ANYTHING));
        def(HelperIds.MAP_PUSH_ELEM, new Proto(Ret.INTEGER, null, QUEUES, false, false, Arg.CONST_MAP_PTR, Arg.MAP_VALUE, Arg.ANYTHING));
        def(HelperIds.MAP_POP_ELEM, new Proto(Ret.INTEGER, null, QUEUES, false, false, Arg.CONST_MAP_PTR, Arg.UNINIT_MAP_VALUE));
        def(HelperIds.MAP_PEEK_ELEM, new Proto(Ret.INTEGER, null, QUEUES, false, false, Arg.CONST_MAP_PTR, Arg.UNINIT_MAP_VALUE));
        def(HelperIds.SPIN_LOCK, Ret.VOID, Arg.SPIN_LOCK);
        def(HelperIds.SPIN_UNLOCK, Ret.VOID, Arg.SPIN_LOCK);
        def(HelperIds.RINGBUF_OUTPUT, new Proto(Ret.INTEGER, null, RINGBUF, false, false,
                Arg.CONST_MAP_PTR, Arg.MEM, Arg.CONST_SIZE_OR_ZERO, Arg.ANYTHING));
        def(HelperIds.RINGBUF_RESERVE, new Proto(Ret.RINGBUF_MEM_OR_NULL, null, RINGBUF, false, false,
                Arg.CONST_MAP_PTR, Arg.CONST_ALLOC_SIZE, Arg.ANYTHING));
        def(HelperIds.RINGBUF_SUBMIT, Ret.VOID, Arg.RINGBUF_RELEASE, Arg.ANYTHING);
        def(HelperIds.RINGBUF_DISCARD, Ret.VOID, Arg.RINGBUF_RELEASE, Arg.ANYTHING);
        def(HelperIds.RINGBUF_QUERY, new Proto(Ret.INTEGER, null, RINGBUF, false, false, Arg.CONST_MAP_PTR, Arg.ANYTHING));
        def(HelperIds.SNPRINTF, Ret.INTEGER, Arg.UNINIT_MEM, Arg.CONST_SIZE_OR_ZERO, Arg.CONST_STR, Arg.MEM_OR_NULL, Arg.CONST_SIZE_OR_ZERO);
        def(HelperIds.FOR_EACH_MAP_ELEM, new Proto(Ret.INTEGER, null, EnumSet.of(MapType.ARRAY, MapType.PERCPU_ARRAY, MapType.HASH,
                MapType.PERCPU_HASH, MapType.LRU_HASH, MapType.LRU_PERCPU_HASH), false, false,
                Arg.CONST_MAP_PTR, Arg.FUNC, Arg.STACK_OR_NULL, Arg.ANYTHING));
        def(HelperIds.LOOP, Ret.INTEGER, Arg.ANYTHING, Arg.FUNC, Arg.STACK_OR_NULL, Arg.ANYTHING);
        def(HelperIds.STRNCMP, Ret.INTEGER, Arg.MEM, Arg.CONST_SIZE, Arg.CONST_STR);
    }

    /** The prototype of helper {@code id}, or null when the verifier has none (a host-added helper). */
    static Proto of(long id) {
        return id > 0 && id < PROTOS.length ? PROTOS[(int) id] : null;
    }
}
