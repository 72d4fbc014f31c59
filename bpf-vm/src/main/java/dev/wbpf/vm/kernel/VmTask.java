package dev.wbpf.vm.kernel;

import static dev.wbpf.vm.kernel.VmKernelTypes.*;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * The task a program sees as "current" in the VM: the calling Java thread ({@code pid} is its
 * thread id, as {@code bpf_get_current_pid_tgid} reports it) in the JVM process ({@code tgid},
 * {@code comm} and {@code start_time} from the host environment and {@link ProcessHandle}), whose
 * {@code real_parent} is the task of the process that started the JVM. Laid out as
 * {@link VmKernelTypes} describes {@code struct task_struct}, in read-only VM memory, so that
 * {@code bpf_probe_read_kernel} on it reads the JVM's values and can write nothing.
 *
 * <p>The object graph is closed, as the kernel's is at its root: the parent's {@code real_parent}
 * is the idle task (pid 0, {@code swapper/0}), whose {@code real_parent} is itself. Every pointer
 * field therefore points at a task, so BTF-typed loads that walk {@code real_parent} never fault.
 */
public final class VmTask {
    private VmTask() {}

    /**
     * A pointer to the current task for this run ({@code bpf_get_current_task}). Within a run the
     * same bytes are handed out again (the memory table interns them), so a loop does not grow it.
     */
    public static long current(ExecutionContext ctx) {
        Images images = IMAGES.get();
        HostEnvironment env = ctx.environment();
        if (images.environment != env) {
            images.build(env);
        }
        // Region ids may differ from run to run: the pointer fields are filled in each time.
        long idle = add(ctx, "task_struct (idle)", images.idle);
        link(images.idle, idle);
        long parent = idle;
        if (images.parent != null) {
            link(images.parent, idle);
            parent = add(ctx, "task_struct (parent)", images.parent);
        }
        link(images.current, parent);
        return add(ctx, "task_struct (current)", images.current);
    }

    private static long add(ExecutionContext ctx, String name, byte[] image) {
        return ctx.memory().addShared(RegionKind.HELPER_MEMORY, name, image, 0, TASK_SIZE, false, null);
    }

    private static void link(byte[] image, long parent) {
        ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN).putLong(TASK_REAL_PARENT, parent).putLong(TASK_PARENT, parent);
    }

    /** The bytes of the current thread's task, its process's parent and the idle task, built once per thread and environment. */
    private static final ThreadLocal<Images> IMAGES = ThreadLocal.withInitial(Images::new);

    private static final class Images {
        HostEnvironment environment;
        byte[] current;
        byte[] parent;
        final byte[] idle = image(0, 0, 0, "swapper/0");

        void build(HostEnvironment env) {
            long now = env.monotonicNanos().getAsLong();
            ProcessHandle process = ProcessHandle.of(env.processId()).orElse(null);
            int tid = (int) Thread.currentThread().threadId();
            current = image(tid, (int) env.processId(), startTime(process, now), env.command());
            ProcessHandle parentProcess = process == null ? null : process.parent().orElse(null);
            parent = parentProcess == null ? null : image((int) parentProcess.pid(), (int) parentProcess.pid(),
                    startTime(parentProcess, now), commandName(parentProcess));
            environment = env;
        }
    }

    private static byte[] image(int pid, int tgid, long startTime, String comm) {
        ByteBuffer b = ByteBuffer.allocate(TASK_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(TASK_PID, pid).putInt(TASK_TGID, tgid).putLong(TASK_START_TIME, startTime);
        byte[] name = comm.getBytes(StandardCharsets.UTF_8);
        b.put(TASK_COMM, name, 0, Math.min(name.length, TASK_COMM_LEN - 1)); // NUL-terminated, like the kernel's
        return b.array();
    }

    /** When the process started, on the clock of {@code bpf_ktime_get_ns}, as the kernel keeps it; 0 when unknown. */
    private static long startTime(ProcessHandle process, long now) {
        if (process == null) {
            return 0;
        }
        Instant started = process.info().startInstant().orElse(null);
        if (started == null) {
            return 0;
        }
        long age = Duration.between(started, Instant.now()).toNanos();
        return Math.max(0, now - age);
    }

    /** The executable's file name, as the kernel names a process that has not renamed itself. */
    private static String commandName(ProcessHandle process) {
        return process.info().command().map(c -> Path.of(c).getFileName().toString()).orElse("");
    }
}
