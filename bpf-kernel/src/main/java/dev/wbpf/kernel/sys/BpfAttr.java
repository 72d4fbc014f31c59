package dev.wbpf.kernel.sys;

import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * One {@code union bpf_attr} being filled in for a single bpf(2) command: a zeroed native segment
 * of exactly the size the command needs, with typed writes at the offsets below.
 *
 * <p>The offsets are those of {@code /usr/include/linux/bpf.h} (checked against {@code offsetof} on
 * x86_64; the union has the same layout on every 64-bit architecture because all pointers are
 * carried as {@code __aligned_u64}). Passing the command's own size rather than the whole union is
 * what libbpf does: the kernel requires only that bytes it does not know are zero, so a smaller
 * attr works on older and newer kernels alike.
 */
public final class BpfAttr {
    private final MemorySegment segment;

    private BpfAttr(MemorySegment segment) {
        this.segment = segment;
    }

    /** A zeroed attr of {@code size} bytes, living as long as {@code arena}. */
    public static BpfAttr allocate(Arena arena, long size) {
        return new BpfAttr(arena.allocate(size, 8));
    }

    /** A typed view of memory the kernel filled in (an info struct), for reading fields. */
    public static BpfAttr wrap(MemorySegment segment) {
        return new BpfAttr(segment);
    }

    public MemorySegment segment() {
        return segment;
    }

    public BpfAttr u32(long offset, int value) {
        segment.set(JAVA_INT_UNALIGNED, offset, value);
        return this;
    }

    public BpfAttr u64(long offset, long value) {
        segment.set(JAVA_LONG_UNALIGNED, offset, value);
        return this;
    }

    /** An {@code __aligned_u64} pointer field; {@code null} and {@link MemorySegment#NULL} become 0. */
    public BpfAttr pointer(long offset, MemorySegment target) {
        return u64(offset, target == null ? 0 : target.address());
    }

    /** A fixed {@code char[BPF_OBJ_NAME_LEN]} field: truncated to 15 bytes, NUL-terminated. */
    public BpfAttr objectName(long offset, String name) {
        if (name != null && !name.isEmpty()) {
            byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
            int length = Math.min(bytes.length, OBJ_NAME_LEN - 1);
            MemorySegment.copy(bytes, 0, segment, java.lang.foreign.ValueLayout.JAVA_BYTE, offset, length);
        }
        return this;
    }

    public int u32(long offset) {
        return segment.get(JAVA_INT_UNALIGNED, offset);
    }

    public long u64(long offset) {
        return segment.get(JAVA_LONG_UNALIGNED, offset);
    }

    /** BPF_OBJ_NAME_LEN: map and program names are at most 15 bytes plus NUL. */
    public static final int OBJ_NAME_LEN = 16;

    /** The anonymous struct used by BPF_MAP_CREATE. */
    public static final class MapCreate {
        public static final long MAP_TYPE = 0;                  // __u32 map_type
        public static final long KEY_SIZE = 4;                  // __u32 key_size
        public static final long VALUE_SIZE = 8;                // __u32 value_size
        public static final long MAX_ENTRIES = 12;              // __u32 max_entries
        public static final long MAP_FLAGS = 16;                // __u32 map_flags
        public static final long INNER_MAP_FD = 20;             // __u32 inner_map_fd
        public static final long NUMA_NODE = 24;                // __u32 numa_node
        public static final long MAP_NAME = 28;                 // char map_name[BPF_OBJ_NAME_LEN]
        public static final long MAP_IFINDEX = 44;              // __u32 map_ifindex
        public static final long BTF_FD = 48;                   // __u32 btf_fd
        public static final long BTF_KEY_TYPE_ID = 52;          // __u32 btf_key_type_id
        public static final long BTF_VALUE_TYPE_ID = 56;        // __u32 btf_value_type_id
        public static final long BTF_VMLINUX_VALUE_TYPE_ID = 60; // __u32 btf_vmlinux_value_type_id
        public static final long MAP_EXTRA = 64;                // __u64 map_extra (bloom filter hashes, arena address)
        public static final long SIZE = 72;

        private MapCreate() {}
    }

    /** The anonymous struct used by BPF_MAP_*_ELEM and BPF_MAP_GET_NEXT_KEY. */
    public static final class MapElem {
        public static final long MAP_FD = 0;    // __u32 map_fd
        public static final long KEY = 8;       // __aligned_u64 key
        public static final long VALUE = 16;    // __aligned_u64 value
        public static final long NEXT_KEY = 16; // __aligned_u64 next_key (same slot as value)
        public static final long FLAGS = 24;    // __u64 flags
        public static final long SIZE = 32;

        private MapElem() {}
    }

    /** struct batch, used by BPF_MAP_*_BATCH. */
    public static final class MapBatch {
        public static final long IN_BATCH = 0;   // __aligned_u64 in_batch: start position, NULL = beginning
        public static final long OUT_BATCH = 8;  // __aligned_u64 out_batch: where to resume
        public static final long KEYS = 16;      // __aligned_u64 keys
        public static final long VALUES = 24;    // __aligned_u64 values
        public static final long COUNT = 32;     // __u32 count: in = capacity, out = elements done
        public static final long MAP_FD = 36;    // __u32 map_fd
        public static final long ELEM_FLAGS = 40; // __u64 elem_flags
        public static final long FLAGS = 48;     // __u64 flags
        public static final long SIZE = 56;

        private MapBatch() {}
    }

    /** The anonymous struct used by BPF_PROG_LOAD. */
    public static final class ProgLoad {
        public static final long PROG_TYPE = 0;             // __u32 prog_type
        public static final long INSN_CNT = 4;              // __u32 insn_cnt
        public static final long INSNS = 8;                 // __aligned_u64 insns
        public static final long LICENSE = 16;              // __aligned_u64 license
        public static final long LOG_LEVEL = 24;            // __u32 log_level
        public static final long LOG_SIZE = 28;             // __u32 log_size
        public static final long LOG_BUF = 32;              // __aligned_u64 log_buf
        public static final long KERN_VERSION = 40;         // __u32 kern_version
        public static final long PROG_FLAGS = 44;           // __u32 prog_flags
        public static final long PROG_NAME = 48;            // char prog_name[BPF_OBJ_NAME_LEN]
        public static final long PROG_IFINDEX = 64;         // __u32 prog_ifindex
        public static final long EXPECTED_ATTACH_TYPE = 68; // __u32 expected_attach_type
        public static final long PROG_BTF_FD = 72;          // __u32 prog_btf_fd
        public static final long FUNC_INFO_REC_SIZE = 76;   // __u32 func_info_rec_size
        public static final long FUNC_INFO = 80;            // __aligned_u64 func_info
        public static final long FUNC_INFO_CNT = 88;        // __u32 func_info_cnt
        public static final long LINE_INFO_REC_SIZE = 92;   // __u32 line_info_rec_size
        public static final long LINE_INFO = 96;            // __aligned_u64 line_info
        public static final long LINE_INFO_CNT = 104;       // __u32 line_info_cnt
        public static final long ATTACH_BTF_ID = 108;       // __u32 attach_btf_id
        /** union { __u32 attach_prog_fd; __u32 attach_btf_obj_fd; } */
        public static final long ATTACH_PROG_FD = 112;
        public static final long CORE_RELO_CNT = 116;       // __u32 core_relo_cnt
        public static final long FD_ARRAY = 120;            // __aligned_u64 fd_array
        public static final long CORE_RELOS = 128;          // __aligned_u64 core_relos
        public static final long CORE_RELO_REC_SIZE = 136;  // __u32 core_relo_rec_size
        /** __u32 log_true_size (Linux 6.4+): the log size the kernel needed; 0 on older kernels. */
        public static final long LOG_TRUE_SIZE = 140;
        public static final long SIZE = 144;

        private ProgLoad() {}
    }

    /** The anonymous struct used by BPF_OBJ_PIN and BPF_OBJ_GET. */
    public static final class ObjPin {
        public static final long PATHNAME = 0;   // __aligned_u64 pathname
        public static final long BPF_FD = 8;     // __u32 bpf_fd
        public static final long FILE_FLAGS = 12; // __u32 file_flags (BPF_F_RDONLY / BPF_F_WRONLY for OBJ_GET)
        public static final long SIZE = 16;

        private ObjPin() {}
    }

    /** struct test, used by BPF_PROG_TEST_RUN. */
    public static final class TestRun {
        public static final long PROG_FD = 0;        // __u32 prog_fd
        public static final long RETVAL = 4;         // __u32 retval (out)
        public static final long DATA_SIZE_IN = 8;   // __u32 data_size_in
        public static final long DATA_SIZE_OUT = 12; // __u32 data_size_out (in: buffer size, out: bytes written)
        public static final long DATA_IN = 16;       // __aligned_u64 data_in
        public static final long DATA_OUT = 24;      // __aligned_u64 data_out
        public static final long REPEAT = 32;        // __u32 repeat
        public static final long DURATION = 36;      // __u32 duration (out, ns per run)
        public static final long CTX_SIZE_IN = 40;   // __u32 ctx_size_in
        public static final long CTX_SIZE_OUT = 44;  // __u32 ctx_size_out
        public static final long CTX_IN = 48;        // __aligned_u64 ctx_in
        public static final long CTX_OUT = 56;       // __aligned_u64 ctx_out
        public static final long FLAGS = 64;         // __u32 flags
        public static final long CPU = 68;           // __u32 cpu
        public static final long BATCH_SIZE = 72;    // __u32 batch_size
        public static final long SIZE = 80;

        private TestRun() {}
    }

    /** The anonymous structs of BPF_*_GET_NEXT_ID and BPF_*_GET_FD_BY_ID. */
    public static final class GetId {
        /** union { __u32 start_id; __u32 prog_id; __u32 map_id; __u32 btf_id; __u32 link_id; } */
        public static final long START_ID = 0;
        public static final long NEXT_ID = 4;    // __u32 next_id
        public static final long OPEN_FLAGS = 8; // __u32 open_flags
        public static final long SIZE = 12;

        private GetId() {}
    }

    /** struct info, used by BPF_OBJ_GET_INFO_BY_FD. */
    public static final class InfoByFd {
        public static final long BPF_FD = 0;   // __u32 bpf_fd
        public static final long INFO_LEN = 4; // __u32 info_len (in: buffer size, out: bytes written)
        public static final long INFO = 8;     // __aligned_u64 info
        public static final long SIZE = 16;

        private InfoByFd() {}
    }

    /** The anonymous struct used by BPF_RAW_TRACEPOINT_OPEN. */
    public static final class RawTracepointOpen {
        public static final long NAME = 0;    // __u64 name (pointer; 0 for tp_btf/fentry programs)
        public static final long PROG_FD = 8; // __u32 prog_fd
        public static final long SIZE = 24;   // + __u32 pad, __aligned_u64 cookie

        private RawTracepointOpen() {}
    }

    /** The anonymous struct used by BPF_BTF_LOAD. */
    public static final class BtfLoad {
        public static final long BTF = 0;            // __aligned_u64 btf
        public static final long BTF_LOG_BUF = 8;    // __aligned_u64 btf_log_buf
        public static final long BTF_SIZE = 16;      // __u32 btf_size
        public static final long BTF_LOG_SIZE = 20;  // __u32 btf_log_size
        public static final long BTF_LOG_LEVEL = 24; // __u32 btf_log_level
        /** __u32 btf_log_true_size (Linux 6.4+). */
        public static final long BTF_LOG_TRUE_SIZE = 28;
        public static final long SIZE = 32;

        private BtfLoad() {}
    }

    /** struct link_create, used by BPF_LINK_CREATE. */
    public static final class LinkCreate {
        public static final long PROG_FD = 0;     // union { __u32 prog_fd; __u32 map_fd; }
        public static final long TARGET_FD = 4;   // union { __u32 target_fd; __u32 target_ifindex; }
        public static final long ATTACH_TYPE = 8; // __u32 attach_type
        public static final long FLAGS = 12;      // __u32 flags
        /** Start of the per-attach-kind union: {@code __u32 target_btf_id}, {@code perf_event.bpf_cookie}, … */
        public static final long TARGET_BTF_ID = 16;
        /** Room for the largest union member the attach kinds will fill (kprobe_multi, uprobe_multi). */
        public static final long SIZE = 64;

        private LinkCreate() {}
    }

    /** Sizes and field offsets of struct bpf_prog_info / bpf_map_info / bpf_link_info. */
    public static final class ProgInfo {
        public static final long TYPE = 0;              // __u32 type
        public static final long ID = 4;                // __u32 id
        public static final long TAG = 8;               // __u8 tag[BPF_TAG_SIZE = 8]
        public static final long JITED_PROG_LEN = 16;   // __u32 jited_prog_len
        public static final long XLATED_PROG_LEN = 20;  // __u32 xlated_prog_len
        public static final long LOAD_TIME = 40;        // __u64 load_time (ns since boot)
        public static final long CREATED_BY_UID = 48;   // __u32 created_by_uid
        public static final long NR_MAP_IDS = 52;       // __u32 nr_map_ids
        public static final long NAME = 64;             // char name[BPF_OBJ_NAME_LEN]
        public static final long BTF_ID = 128;          // __u32 btf_id
        public static final long RUN_TIME_NS = 192;     // __u64 run_time_ns (with kernel.bpf_stats_enabled)
        public static final long RUN_CNT = 200;         // __u64 run_cnt
        public static final long SIZE = 232;

        private ProgInfo() {}
    }

    public static final class MapInfo {
        public static final long TYPE = 0;         // __u32 type
        public static final long ID = 4;           // __u32 id
        public static final long KEY_SIZE = 8;     // __u32 key_size
        public static final long VALUE_SIZE = 12;  // __u32 value_size
        public static final long MAX_ENTRIES = 16; // __u32 max_entries
        public static final long MAP_FLAGS = 20;   // __u32 map_flags
        public static final long NAME = 24;        // char name[BPF_OBJ_NAME_LEN]
        public static final long BTF_ID = 64;      // __u32 btf_id
        public static final long MAP_EXTRA = 80;   // __u64 map_extra
        public static final long SIZE = 88;

        private MapInfo() {}
    }

    public static final class LinkInfo {
        public static final long TYPE = 0;    // __u32 type
        public static final long ID = 4;      // __u32 id
        public static final long PROG_ID = 8; // __u32 prog_id
        public static final long SIZE = 48;

        private LinkInfo() {}
    }
}
