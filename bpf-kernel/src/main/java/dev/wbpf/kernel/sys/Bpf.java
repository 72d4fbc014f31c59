package dev.wbpf.kernel.sys;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Typed bpf(2) commands. Each method lays out its {@code union bpf_attr} in a confined arena,
 * issues the command through {@link Syscalls} and turns the answer into Java values. Key and value
 * buffers are native segments owned by the caller so that hot paths (map lookups) copy nothing
 * they do not have to; where the kernel's "no such element" (ENOENT) is an ordinary answer the
 * method returns {@code false} instead of throwing.
 */
public final class Bpf {
    /** Update flags of BPF_MAP_UPDATE_ELEM. */
    public static final long BPF_ANY = 0;
    public static final long BPF_NOEXIST = 1;
    public static final long BPF_EXIST = 2;
    public static final long BPF_F_LOCK = 4;

    /** Start size of the verifier log when a load is retried for its log; 64 KiB covers most failures. */
    static final int INITIAL_LOG_SIZE = 64 * 1024;
    /** The kernel caps log_size at UINT32_MAX >> 2; 16 MiB is plenty and bounded. */
    static final int MAX_LOG_SIZE = 16 * 1024 * 1024;

    private Bpf() {}

    // ---- maps ---------------------------------------------------------------------------------

    public static Fd mapCreate(MapCreateRequest request) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.MapCreate.SIZE)
                    .u32(BpfAttr.MapCreate.MAP_TYPE, request.mapType())
                    .u32(BpfAttr.MapCreate.KEY_SIZE, request.keySize())
                    .u32(BpfAttr.MapCreate.VALUE_SIZE, request.valueSize())
                    .u32(BpfAttr.MapCreate.MAX_ENTRIES, request.maxEntries())
                    .u32(BpfAttr.MapCreate.MAP_FLAGS, request.flags())
                    .u32(BpfAttr.MapCreate.INNER_MAP_FD, request.innerMapFd())
                    .objectName(BpfAttr.MapCreate.MAP_NAME, request.name())
                    .u32(BpfAttr.MapCreate.BTF_FD, request.btfFd())
                    .u32(BpfAttr.MapCreate.BTF_KEY_TYPE_ID, request.btfKeyTypeId())
                    .u32(BpfAttr.MapCreate.BTF_VALUE_TYPE_ID, request.btfValueTypeId())
                    .u32(BpfAttr.MapCreate.BTF_VMLINUX_VALUE_TYPE_ID, request.btfVmlinuxValueTypeId())
                    .u64(BpfAttr.MapCreate.MAP_EXTRA, request.mapExtra());
            long fd = Syscalls.bpfOrErrno(BpfCommand.MAP_CREATE, attr.segment());
            if (fd < 0) {
                String what = request.name().isEmpty() ? "map type " + request.mapType() : "map " + request.name();
                throw new KernelException(BpfCommand.MAP_CREATE.operationName(), (int) -fd, what, "");
            }
            return Fd.adopt((int) fd);
        }
    }

    /** Copies the value of {@code key} into {@code value}; {@code false} if the key is absent. */
    public static boolean mapLookupElem(int mapFd, MemorySegment key, MemorySegment value, long flags) {
        return elementCommand(BpfCommand.MAP_LOOKUP_ELEM, mapFd, key, value, flags);
    }

    public static void mapUpdateElem(int mapFd, MemorySegment key, MemorySegment value, long flags) {
        if (!elementCommand(BpfCommand.MAP_UPDATE_ELEM, mapFd, key, value, flags)) {
            // For updates ENOENT is an error (BPF_EXIST on a missing key), not an answer.
            throw new KernelException(BpfCommand.MAP_UPDATE_ELEM.operationName(), Errno.ENOENT.number());
        }
    }

    /** {@code false} if the key was absent. */
    public static boolean mapDeleteElem(int mapFd, MemorySegment key) {
        return elementCommand(BpfCommand.MAP_DELETE_ELEM, mapFd, key, null, 0);
    }

    /**
     * Writes the key after {@code key} into {@code nextKey}; a {@code null} key asks for the first.
     * {@code false} when there is none (end of iteration).
     */
    public static boolean mapGetNextKey(int mapFd, MemorySegment key, MemorySegment nextKey) {
        return elementCommand(BpfCommand.MAP_GET_NEXT_KEY, mapFd, key, nextKey, 0);
    }

    /**
     * Reads and removes {@code key} (for queues and stacks the key is {@code null}: pop).
     * {@code false} if there was nothing to take.
     */
    public static boolean mapLookupAndDeleteElem(int mapFd, MemorySegment key, MemorySegment value, long flags) {
        return elementCommand(BpfCommand.MAP_LOOKUP_AND_DELETE_ELEM, mapFd, key, value, flags);
    }

    /**
     * The attr of element commands, one per thread and reused: these are the hot path of map access
     * from user space, and a fresh arena per call costs as much as a fifth of the system call.
     */
    private static final ThreadLocal<MemorySegment> ELEMENT_ATTR =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(BpfAttr.MapElem.SIZE, 8));

    private static boolean elementCommand(BpfCommand command, int mapFd, MemorySegment key, MemorySegment value,
            long flags) {
        MemorySegment segment = ELEMENT_ATTR.get();
        segment.fill((byte) 0);
        BpfAttr attr = BpfAttr.wrap(segment)
                .u32(BpfAttr.MapElem.MAP_FD, mapFd)
                .pointer(BpfAttr.MapElem.KEY, key)
                .pointer(BpfAttr.MapElem.VALUE, value)
                .u64(BpfAttr.MapElem.FLAGS, flags);
        long result = Syscalls.bpfOrErrno(command, attr.segment());
        if (result == -Errno.ENOENT.number()) {
            return false;
        }
        if (result < 0) {
            throw new KernelException(command.operationName(), (int) -result);
        }
        return true;
    }

    /**
     * BPF_MAP_LOOKUP_BATCH, or BPF_MAP_LOOKUP_AND_DELETE_BATCH with {@code andDelete}. Reads up to
     * {@code count} elements starting at {@code inBatch} ({@code null} = from the beginning) and
     * writes the resume position to {@code outBatch}.
     */
    public static BatchResult mapLookupBatch(int mapFd, MemorySegment inBatch, MemorySegment outBatch,
            MemorySegment keys, MemorySegment values, int count, long elementFlags, boolean andDelete) {
        BpfCommand command = andDelete ? BpfCommand.MAP_LOOKUP_AND_DELETE_BATCH : BpfCommand.MAP_LOOKUP_BATCH;
        return batchCommand(command, mapFd, inBatch, outBatch, keys, values, count, elementFlags);
    }

    /** BPF_MAP_UPDATE_BATCH: writes {@code count} keys and values; returns how many were written. */
    public static int mapUpdateBatch(int mapFd, MemorySegment keys, MemorySegment values, int count,
            long elementFlags) {
        return batchCommand(BpfCommand.MAP_UPDATE_BATCH, mapFd, null, null, keys, values, count, elementFlags).count();
    }

    /** BPF_MAP_DELETE_BATCH: returns how many of the {@code count} keys were deleted. */
    public static int mapDeleteBatch(int mapFd, MemorySegment keys, int count) {
        return batchCommand(BpfCommand.MAP_DELETE_BATCH, mapFd, null, null, keys, null, count, 0).count();
    }

    private static BatchResult batchCommand(BpfCommand command, int mapFd, MemorySegment inBatch,
            MemorySegment outBatch, MemorySegment keys, MemorySegment values, int count, long elementFlags) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.MapBatch.SIZE)
                    .pointer(BpfAttr.MapBatch.IN_BATCH, inBatch)
                    .pointer(BpfAttr.MapBatch.OUT_BATCH, outBatch)
                    .pointer(BpfAttr.MapBatch.KEYS, keys)
                    .pointer(BpfAttr.MapBatch.VALUES, values)
                    .u32(BpfAttr.MapBatch.COUNT, count)
                    .u32(BpfAttr.MapBatch.MAP_FD, mapFd)
                    .u64(BpfAttr.MapBatch.ELEM_FLAGS, elementFlags);
            long result = Syscalls.bpfOrErrno(command, attr.segment());
            int done = attr.u32(BpfAttr.MapBatch.COUNT);
            if (result == -Errno.ENOENT.number()) {
                return new BatchResult(done, true);
            }
            if (result < 0) {
                throw new KernelException(command.operationName(), (int) -result,
                        done + " of " + count + " elements done", "");
            }
            return new BatchResult(done, false);
        }
    }

    /** BPF_MAP_FREEZE: from now on programs may still write, but user space may not. */
    public static void mapFreeze(int mapFd) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.MapElem.SIZE).u32(BpfAttr.MapElem.MAP_FD, mapFd);
            Syscalls.bpf(BpfCommand.MAP_FREEZE, attr.segment());
        }
    }

    // ---- pinning ------------------------------------------------------------------------------

    public static void objPin(int fd, String path) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.ObjPin.SIZE)
                    .pointer(BpfAttr.ObjPin.PATHNAME, arena.allocateFrom(path))
                    .u32(BpfAttr.ObjPin.BPF_FD, fd);
            long result = Syscalls.bpfOrErrno(BpfCommand.OBJ_PIN, attr.segment());
            if (result < 0) {
                throw new KernelException(BpfCommand.OBJ_PIN.operationName(), (int) -result, path, "");
            }
        }
    }

    /** BPF_OBJ_GET: opens a pinned object; {@code fileFlags} 0 = read-write. */
    public static Fd objGet(String path, int fileFlags) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.ObjPin.SIZE)
                    .pointer(BpfAttr.ObjPin.PATHNAME, arena.allocateFrom(path))
                    .u32(BpfAttr.ObjPin.FILE_FLAGS, fileFlags);
            long fd = Syscalls.bpfOrErrno(BpfCommand.OBJ_GET, attr.segment());
            if (fd < 0) {
                throw new KernelException(BpfCommand.OBJ_GET.operationName(), (int) -fd, path, "");
            }
            return Fd.adopt((int) fd);
        }
    }

    // ---- programs -----------------------------------------------------------------------------

    /**
     * BPF_PROG_LOAD, with libbpf's log strategy: when the caller asked for no log, load without
     * one (the verifier runs faster); if that fails, load again with a log buffer so the error can
     * say why, growing the buffer while the kernel answers ENOSPC (log too small).
     */
    public static Fd progLoad(ProgLoadRequest request) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = progLoadAttr(arena, request);
            String context = request.name().isEmpty() ? "" : "program " + request.name();
            if (request.logLevel() == 0) {
                long fd = Syscalls.bpfOrErrno(BpfCommand.PROG_LOAD, attr.segment());
                if (fd >= 0) {
                    return Fd.adopt((int) fd);
                }
            }
            return loadWithLog(BpfCommand.PROG_LOAD, attr, arena, context, Math.max(1, request.logLevel()),
                    BpfAttr.ProgLoad.LOG_LEVEL, BpfAttr.ProgLoad.LOG_SIZE, BpfAttr.ProgLoad.LOG_BUF,
                    BpfAttr.ProgLoad.LOG_TRUE_SIZE);
        }
    }

    private static BpfAttr progLoadAttr(Arena arena, ProgLoadRequest request) {
        BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.ProgLoad.SIZE)
                .u32(BpfAttr.ProgLoad.PROG_TYPE, request.programType())
                .u32(BpfAttr.ProgLoad.INSN_CNT, request.instructionCount())
                .pointer(BpfAttr.ProgLoad.INSNS, copy(arena, request.instructions()))
                .pointer(BpfAttr.ProgLoad.LICENSE, arena.allocateFrom(request.license()))
                .u32(BpfAttr.ProgLoad.KERN_VERSION, request.kernelVersion())
                .u32(BpfAttr.ProgLoad.PROG_FLAGS, request.flags())
                .objectName(BpfAttr.ProgLoad.PROG_NAME, request.name())
                .u32(BpfAttr.ProgLoad.EXPECTED_ATTACH_TYPE, request.expectedAttachType())
                .u32(BpfAttr.ProgLoad.PROG_BTF_FD, request.progBtfFd())
                .u32(BpfAttr.ProgLoad.ATTACH_BTF_ID, request.attachBtfId())
                .u32(BpfAttr.ProgLoad.ATTACH_PROG_FD, request.attachTargetFd());
        if (request.funcInfo() != null && request.funcInfo().length > 0) {
            attr.u32(BpfAttr.ProgLoad.FUNC_INFO_REC_SIZE, request.funcInfoRecordSize())
                    .pointer(BpfAttr.ProgLoad.FUNC_INFO, copy(arena, request.funcInfo()))
                    .u32(BpfAttr.ProgLoad.FUNC_INFO_CNT, request.funcInfo().length / request.funcInfoRecordSize());
        }
        if (request.lineInfo() != null && request.lineInfo().length > 0) {
            attr.u32(BpfAttr.ProgLoad.LINE_INFO_REC_SIZE, request.lineInfoRecordSize())
                    .pointer(BpfAttr.ProgLoad.LINE_INFO, copy(arena, request.lineInfo()))
                    .u32(BpfAttr.ProgLoad.LINE_INFO_CNT, request.lineInfo().length / request.lineInfoRecordSize());
        }
        return attr;
    }

    /**
     * Issues {@code command} with a kernel log buffer, growing it on ENOSPC, and on failure throws
     * with the log attached. Shared by program and BTF loads, whose attrs differ only in where the
     * log fields sit.
     */
    private static Fd loadWithLog(BpfCommand command, BpfAttr attr, Arena arena, String context, int logLevel,
            long levelOffset, long sizeOffset, long bufferOffset, long trueSizeOffset) {
        int size = INITIAL_LOG_SIZE;
        while (true) {
            MemorySegment log = arena.allocate(size);
            attr.u32(levelOffset, logLevel).u32(sizeOffset, size).pointer(bufferOffset, log);
            long fd = Syscalls.bpfOrErrno(command, attr.segment());
            if (fd >= 0) {
                return Fd.adopt((int) fd);
            }
            int errno = (int) -fd;
            if (errno == Errno.ENOSPC.number() && size < MAX_LOG_SIZE) {
                // Newer kernels say exactly how much they needed; older ones leave 0, so grow by 4x.
                int needed = attr.u32(trueSizeOffset);
                size = (int) Math.min(MAX_LOG_SIZE, Math.max((long) needed + 1, (long) size * 4));
                continue;
            }
            throw new KernelException(command.operationName(), errno, context, log.getString(0));
        }
    }

    /** BPF_PROG_TEST_RUN: runs a loaded program on the given input inside the kernel. */
    public static TestRunResult progTestRun(TestRunRequest request) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dataOut = request.dataOutCapacity() > 0 ? arena.allocate(request.dataOutCapacity()) : null;
            MemorySegment ctxOut = request.ctxOutCapacity() > 0 ? arena.allocate(request.ctxOutCapacity()) : null;
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.TestRun.SIZE)
                    .u32(BpfAttr.TestRun.PROG_FD, request.programFd())
                    .u32(BpfAttr.TestRun.DATA_SIZE_IN, request.data() == null ? 0 : request.data().length)
                    .pointer(BpfAttr.TestRun.DATA_IN, copy(arena, request.data()))
                    .u32(BpfAttr.TestRun.DATA_SIZE_OUT, request.dataOutCapacity())
                    .pointer(BpfAttr.TestRun.DATA_OUT, dataOut)
                    .u32(BpfAttr.TestRun.REPEAT, request.repeat())
                    .u32(BpfAttr.TestRun.CTX_SIZE_IN, request.ctx() == null ? 0 : request.ctx().length)
                    .pointer(BpfAttr.TestRun.CTX_IN, copy(arena, request.ctx()))
                    .u32(BpfAttr.TestRun.CTX_SIZE_OUT, request.ctxOutCapacity())
                    .pointer(BpfAttr.TestRun.CTX_OUT, ctxOut)
                    .u32(BpfAttr.TestRun.FLAGS, request.flags())
                    .u32(BpfAttr.TestRun.CPU, request.cpu());
            Syscalls.bpf(BpfCommand.PROG_TEST_RUN, attr.segment());
            return new TestRunResult(
                    attr.u32(BpfAttr.TestRun.RETVAL),
                    attr.u32(BpfAttr.TestRun.DURATION),
                    prefix(dataOut, attr.u32(BpfAttr.TestRun.DATA_SIZE_OUT)),
                    prefix(ctxOut, attr.u32(BpfAttr.TestRun.CTX_SIZE_OUT)));
        }
    }

    // ---- BTF and links ------------------------------------------------------------------------

    /** BPF_BTF_LOAD of a raw BTF blob (header, types, strings); on failure the BTF log is attached. */
    public static Fd btfLoad(byte[] btf) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.BtfLoad.SIZE)
                    .pointer(BpfAttr.BtfLoad.BTF, copy(arena, btf))
                    .u32(BpfAttr.BtfLoad.BTF_SIZE, btf.length);
            long fd = Syscalls.bpfOrErrno(BpfCommand.BTF_LOAD, attr.segment());
            if (fd >= 0) {
                return Fd.adopt((int) fd);
            }
            return loadWithLog(BpfCommand.BTF_LOAD, attr, arena, "", 1, BpfAttr.BtfLoad.BTF_LOG_LEVEL,
                    BpfAttr.BtfLoad.BTF_LOG_SIZE, BpfAttr.BtfLoad.BTF_LOG_BUF, BpfAttr.BtfLoad.BTF_LOG_TRUE_SIZE);
        }
    }

    /** BTF_LOAD that reports failure as -errno instead of an exception: for feature probes. */
    public static long btfLoadOrErrno(byte[] btf) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.BtfLoad.SIZE)
                    .pointer(BpfAttr.BtfLoad.BTF, copy(arena, btf))
                    .u32(BpfAttr.BtfLoad.BTF_SIZE, btf.length);
            return Syscalls.bpfOrErrno(BpfCommand.BTF_LOAD, attr.segment());
        }
    }

    /**
     * BPF_RAW_TRACEPOINT_OPEN: attaches a raw tracepoint program to {@code name}, or, with a null
     * name, a tracing program (tp_btf, fentry/fexit, lsm) to the target its attach_btf_id names.
     */
    public static Fd rawTracepointOpen(String name, int programFd) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.RawTracepointOpen.SIZE)
                    .pointer(BpfAttr.RawTracepointOpen.NAME, name == null ? null : arena.allocateFrom(name))
                    .u32(BpfAttr.RawTracepointOpen.PROG_FD, programFd);
            long fd = Syscalls.bpfOrErrno(BpfCommand.RAW_TRACEPOINT_OPEN, attr.segment());
            if (fd < 0) {
                throw new KernelException(BpfCommand.RAW_TRACEPOINT_OPEN.operationName(), (int) -fd,
                        name == null ? "program fd " + programFd : "raw tracepoint " + name, "");
            }
            return Fd.adopt((int) fd);
        }
    }

    public static Fd linkCreate(LinkCreateRequest request) {
        try (Arena arena = Arena.ofConfined()) {
            long fd = Syscalls.bpfOrErrno(BpfCommand.LINK_CREATE, linkCreateAttr(arena, request).segment());
            if (fd < 0) {
                throw new KernelException(BpfCommand.LINK_CREATE.operationName(), (int) -fd,
                        "attach type " + request.attachType() + ", target fd " + request.targetFd(), "");
            }
            return Fd.adopt((int) fd);
        }
    }

    /** LINK_CREATE that reports failure as -errno; the caller owns a returned descriptor. */
    public static long linkCreateOrErrno(LinkCreateRequest request) {
        try (Arena arena = Arena.ofConfined()) {
            return Syscalls.bpfOrErrno(BpfCommand.LINK_CREATE, linkCreateAttr(arena, request).segment());
        }
    }

    private static BpfAttr linkCreateAttr(Arena arena, LinkCreateRequest request) {
        return BpfAttr.allocate(arena, BpfAttr.LinkCreate.SIZE)
                .u32(BpfAttr.LinkCreate.PROG_FD, request.programFd())
                .u32(BpfAttr.LinkCreate.TARGET_FD, request.targetFd())
                .u32(BpfAttr.LinkCreate.ATTACH_TYPE, request.attachType())
                .u32(BpfAttr.LinkCreate.FLAGS, request.flags())
                .u32(BpfAttr.LinkCreate.TARGET_BTF_ID, request.targetBtfId());
    }

    // ---- introspection ------------------------------------------------------------------------

    public static ProgramInfo progInfo(int progFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = objectInfo(arena, progFd, BpfAttr.ProgInfo.SIZE);
            BpfAttr view = view(info);
            byte[] tag = info.asSlice(BpfAttr.ProgInfo.TAG, 8).toArray(JAVA_BYTE);
            return new ProgramInfo(
                    view.u32(BpfAttr.ProgInfo.TYPE),
                    view.u32(BpfAttr.ProgInfo.ID),
                    HexFormat.of().formatHex(tag),
                    cString(info, BpfAttr.ProgInfo.NAME),
                    view.u32(BpfAttr.ProgInfo.BTF_ID),
                    view.u32(BpfAttr.ProgInfo.JITED_PROG_LEN),
                    view.u32(BpfAttr.ProgInfo.XLATED_PROG_LEN),
                    view.u64(BpfAttr.ProgInfo.LOAD_TIME),
                    view.u32(BpfAttr.ProgInfo.CREATED_BY_UID),
                    view.u32(BpfAttr.ProgInfo.NR_MAP_IDS),
                    view.u64(BpfAttr.ProgInfo.RUN_TIME_NS),
                    view.u64(BpfAttr.ProgInfo.RUN_CNT));
        }
    }

    public static MapInfo mapInfo(int mapFd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = objectInfo(arena, mapFd, BpfAttr.MapInfo.SIZE);
            BpfAttr view = view(info);
            return new MapInfo(
                    view.u32(BpfAttr.MapInfo.TYPE),
                    view.u32(BpfAttr.MapInfo.ID),
                    view.u32(BpfAttr.MapInfo.KEY_SIZE),
                    view.u32(BpfAttr.MapInfo.VALUE_SIZE),
                    view.u32(BpfAttr.MapInfo.MAX_ENTRIES),
                    view.u32(BpfAttr.MapInfo.MAP_FLAGS),
                    cString(info, BpfAttr.MapInfo.NAME),
                    view.u32(BpfAttr.MapInfo.BTF_ID),
                    view.u64(BpfAttr.MapInfo.MAP_EXTRA));
        }
    }

    public static LinkInfo linkInfo(int linkFd) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr view = view(objectInfo(arena, linkFd, BpfAttr.LinkInfo.SIZE));
            return new LinkInfo(view.u32(BpfAttr.LinkInfo.TYPE), view.u32(BpfAttr.LinkInfo.ID),
                    view.u32(BpfAttr.LinkInfo.PROG_ID));
        }
    }

    private static MemorySegment objectInfo(Arena arena, int fd, long infoSize) {
        MemorySegment info = arena.allocate(infoSize, 8);
        BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.InfoByFd.SIZE)
                .u32(BpfAttr.InfoByFd.BPF_FD, fd)
                .u32(BpfAttr.InfoByFd.INFO_LEN, (int) infoSize)
                .pointer(BpfAttr.InfoByFd.INFO, info);
        Syscalls.bpf(BpfCommand.OBJ_GET_INFO_BY_FD, attr.segment());
        return info;
    }

    /** The kind of object an id names, for the GET_NEXT_ID / GET_FD_BY_ID command pairs. */
    public enum ObjectKind {
        PROGRAM(BpfCommand.PROG_GET_NEXT_ID, BpfCommand.PROG_GET_FD_BY_ID),
        MAP(BpfCommand.MAP_GET_NEXT_ID, BpfCommand.MAP_GET_FD_BY_ID),
        LINK(BpfCommand.LINK_GET_NEXT_ID, BpfCommand.LINK_GET_FD_BY_ID),
        BTF(BpfCommand.BTF_GET_NEXT_ID, BpfCommand.BTF_GET_FD_BY_ID);

        private final BpfCommand nextId;
        private final BpfCommand fdById;

        ObjectKind(BpfCommand nextId, BpfCommand fdById) {
            this.nextId = nextId;
            this.fdById = fdById;
        }
    }

    /** The id after {@code startId} of a live object of this kind, or 0 when there is none. */
    public static int nextId(ObjectKind kind, int startId) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.GetId.SIZE).u32(BpfAttr.GetId.START_ID, startId);
            long result = Syscalls.bpfOrErrno(kind.nextId, attr.segment());
            if (result == -Errno.ENOENT.number()) {
                return 0;
            }
            if (result < 0) {
                throw new KernelException(kind.nextId.operationName(), (int) -result);
            }
            return attr.u32(BpfAttr.GetId.NEXT_ID);
        }
    }

    /** Every live object id of this kind in the system (what {@code bpftool prog/map/link list} walks). */
    public static List<Integer> allIds(ObjectKind kind) {
        List<Integer> ids = new ArrayList<>();
        for (int id = nextId(kind, 0); id != 0; id = nextId(kind, id)) {
            ids.add(id);
        }
        return ids;
    }

    /** Opens the object with this id; ENOENT if it has gone away meanwhile. */
    public static Fd fdById(ObjectKind kind, int id) {
        try (Arena arena = Arena.ofConfined()) {
            BpfAttr attr = BpfAttr.allocate(arena, BpfAttr.GetId.SIZE).u32(BpfAttr.GetId.START_ID, id);
            long fd = Syscalls.bpfOrErrno(kind.fdById, attr.segment());
            if (fd < 0) {
                throw new KernelException(kind.fdById.operationName(), (int) -fd, "id " + id, "");
            }
            return Fd.adopt((int) fd);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static MemorySegment copy(Arena arena, byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        return arena.allocateFrom(JAVA_BYTE, bytes);
    }

    private static byte[] prefix(MemorySegment segment, int length) {
        if (segment == null) {
            return new byte[0];
        }
        return segment.asSlice(0, Math.min(length, segment.byteSize())).toArray(JAVA_BYTE);
    }

    private static BpfAttr view(MemorySegment segment) {
        return BpfAttr.wrap(segment);
    }

    private static String cString(MemorySegment segment, long offset) {
        MemorySegment field = segment.asSlice(offset, BpfAttr.OBJ_NAME_LEN);
        int length = 0;
        while (length < BpfAttr.OBJ_NAME_LEN && field.get(JAVA_BYTE, length) != 0) {
            length++;
        }
        return new String(field.asSlice(0, length).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
