package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.kernel.VmTask;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.map.PerfEventArrayMap;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;

/** Time, identity of the current task (the JVM process and thread), randomness, CPU, perf output, attach cookie. */
final class TaskHelpers {
    private TaskHelpers() {}

    private static final long COARSE_TICK_NANOS = 4_000_000; // a jiffy at HZ=250

    static long ktimeGetNs(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return ctx.environment().monotonicNanos().getAsLong();
    }

    static long ktimeGetBootNs(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return ctx.environment().bootNanos().getAsLong();
    }

    static long ktimeGetCoarseNs(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        long now = ctx.environment().monotonicNanos().getAsLong();
        return now - Math.floorMod(now, COARSE_TICK_NANOS);
    }

    static long prandomU32(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return ThreadLocalRandom.current().nextInt() & 0xffff_ffffL;
    }

    static long smpProcessorId(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return ctx.cpu();
    }

    /** tgid (the JVM's pid) in the high half, the thread's id in the low half. */
    static long currentPidTgid(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return ctx.environment().processId() << 32 | (Thread.currentThread().threadId() & 0xffff_ffffL);
    }

    static long currentUidGid(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return ctx.environment().uidGid();
    }

    /** Copies the command name, NUL-terminated and truncated to {@code size}, like the kernel's strscpy. */
    static long currentComm(ExecutionContext ctx, long buffer, long size, long r3, long r4, long r5) {
        if (size <= 0 || size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
        }
        byte[] out = new byte[(int) size];
        byte[] comm = ctx.environment().command().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(comm, 0, out, 0, Math.min(comm.length, out.length - 1));
        ctx.memory().write(buffer, out, 0, out.length, ctx.instruction());
        return 0;
    }

    /**
     * The address of the current task: the VM's task_struct for this thread, in read-only memory
     * ({@link VmTask}); both bpf_get_current_task and bpf_get_current_task_btf (which the verifier
     * types as a task_struct pointer, read with plain loads).
     */
    static long currentTask(ExecutionContext ctx, long r1, long r2, long r3, long r4, long r5) {
        return VmTask.current(ctx);
    }

    /**
     * The cookie given at attach time. The VM's attach points (probes, timers, tracepoints) take no
     * cookie, so it is 0, what the kernel returns for a program attached without one.
     */
    static long attachCookie(ExecutionContext ctx, long context, long r2, long r3, long r4, long r5) {
        return 0;
    }

    static final long BPF_F_CURRENT_CPU = 0xffff_ffffL;

    static long perfEventOutput(ExecutionContext ctx, long context, long mapHandle, long flags, long data, long size) {
        if (!(ctx.map(mapHandle) instanceof PerfEventArrayMap perf)) {
            return -Errno.EINVAL;
        }
        long index = flags & 0xffff_ffffL;
        if ((flags & ~0xffff_ffffL) != 0 || size < 0 || size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
        }
        int cpu = index == BPF_F_CURRENT_CPU ? ctx.cpu() : (int) Math.min(index, Integer.MAX_VALUE);
        byte[] sample = ctx.memory().read(data, (int) size, ctx.instruction());
        return -perf.output(cpu, sample);
    }

    static long tracePrintk(ExecutionContext ctx, long format, long formatSize, long a1, long a2, long a3) {
        if (formatSize <= 0 || formatSize > 1024) {
            return -Errno.EINVAL;
        }
        byte[] fmt = ctx.memory().read(format, (int) formatSize, ctx.instruction());
        String line = PrintfFormatter.format(ctx, fmt, new long[] {a1, a2, a3});
        ctx.environment().traceLog().accept(line.endsWith("\n") ? line.substring(0, line.length() - 1) : line);
        return line.getBytes(StandardCharsets.UTF_8).length;
    }
}
