package dev.wbpf.vm.kernel;

import dev.wbpf.core.btf.Btf;
import dev.wbpf.core.btf.BtfType;
import dev.wbpf.core.btf.BtfWriter;
import java.util.List;

/**
 * The VM's own "kernel BTF": the kernel objects the VM exposes to programs, described the way
 * vmlinux BTF describes the kernel's. It is the CO-RE target when an object is loaded on the VM,
 * so a program compiled against the real {@code vmlinux.h} reads the VM's objects at the VM's
 * offsets; a field the VM does not have fails its relocation, as on a kernel that lacks it.
 *
 * <p>Today the VM exposes one kind of object, the task ({@link VmTask}): the calling Java thread
 * inside the JVM process, and that process's parent.
 */
public final class VmKernelTypes {
    private VmKernelTypes() {}

    /** Size of {@code task_struct.comm}, the kernel's TASK_COMM_LEN. */
    public static final int TASK_COMM_LEN = 16;

    /** The layout of the VM's {@code struct task_struct}: byte offsets of its fields. */
    public static final int TASK_PID = 0;
    public static final int TASK_TGID = 4;
    public static final int TASK_START_TIME = 8;
    public static final int TASK_REAL_PARENT = 16;
    public static final int TASK_PARENT = 24;
    public static final int TASK_EXIT_CODE = 32;
    public static final int TASK_FLAGS = 36;
    public static final int TASK_COMM = 40;
    public static final int TASK_SIZE = TASK_COMM + TASK_COMM_LEN;

    private static final Btf BTF = build();
    private static final int TASK_STRUCT_ID = BTF.findAllByName("task_struct").getFirst();

    /** The VM's kernel types, parsed as any BTF is. */
    public static Btf btf() {
        return BTF;
    }

    /** The type id of {@code struct task_struct} in {@link #btf()}. */
    public static int taskStructId() {
        return TASK_STRUCT_ID;
    }

    private static Btf build() {
        BtfWriter w = new BtfWriter();
        int intId = w.add(new BtfType.Int("int", 4, BtfType.INT_SIGNED, 0, 32));
        int uintId = w.add(new BtfType.Int("unsigned int", 4, 0, 0, 32));
        int ullId = w.add(new BtfType.Int("long long unsigned int", 8, 0, 0, 64));
        int charId = w.add(new BtfType.Int("char", 1, BtfType.INT_SIGNED, 0, 8));
        int pidId = w.add(new BtfType.Typedef("pid_t", intId));
        int u64Id = w.add(new BtfType.Typedef("u64", ullId));
        int commId = w.add(new BtfType.Array("", charId, intId, TASK_COMM_LEN));
        int taskId = w.nextTypeId() + 1; // the pointer is written first and refers forward to the struct
        int taskPtrId = w.add(new BtfType.Ptr("", taskId));
        w.add(new BtfType.Struct("task_struct", TASK_SIZE, List.of(
                member("pid", pidId, TASK_PID),
                member("tgid", pidId, TASK_TGID),
                member("start_time", u64Id, TASK_START_TIME),
                member("real_parent", taskPtrId, TASK_REAL_PARENT),
                member("parent", taskPtrId, TASK_PARENT),
                member("exit_code", intId, TASK_EXIT_CODE),
                member("flags", uintId, TASK_FLAGS),
                member("comm", commId, TASK_COMM)), false));
        return Btf.parse("the VM's kernel types", w.toBytes());
    }

    private static BtfType.Member member(String name, int typeId, int byteOffset) {
        return new BtfType.Member(name, typeId, byteOffset * 8L, 0);
    }
}
