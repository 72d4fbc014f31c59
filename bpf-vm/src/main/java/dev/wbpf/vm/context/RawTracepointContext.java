package dev.wbpf.vm.context;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.memory.RegionKind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The contexts whose layout the caller supplies: {@code struct bpf_raw_tracepoint_args}
 * ({@code __u64 args[]}, read-only) for raw tracepoints, caller bytes (read-only) for
 * tracepoints and perf events, and the caller's buffer (read-write, copied back as context out)
 * for {@code syscall} programs.
 */
public final class RawTracepointContext {
    private RawTracepointContext() {}

    /** Adds {@code args} as a read-only u64 array and returns r1. */
    public static long create(ExecutionContext context, long... args) {
        ByteBuffer bytes = ByteBuffer.allocate(Math.max(8, args.length * 8)).order(ByteOrder.LITTLE_ENDIAN);
        for (long arg : args) {
            bytes.putLong(arg);
        }
        return context.addMemory(RegionKind.CONTEXT, "bpf_raw_tracepoint_args", bytes.array(), 0, bytes.capacity(), false);
    }

    /** Adds raw caller bytes as the context; {@code writable} for syscall programs. */
    public static long ofBytes(ExecutionContext context, String name, byte[] bytes, boolean writable) {
        return context.addMemory(RegionKind.CONTEXT, name, bytes, 0, bytes.length, writable);
    }

    /** Decodes a little-endian u64 array (a raw tracepoint context given as bytes). */
    public static long[] argsOf(byte[] ctx) {
        if (ctx.length % 8 != 0) {
            throw new IllegalArgumentException("a raw tracepoint context is an array of u64: " + ctx.length + " bytes is not a multiple of 8");
        }
        ByteBuffer in = ByteBuffer.wrap(ctx).order(ByteOrder.LITTLE_ENDIAN);
        long[] args = new long[ctx.length / 8];
        for (int i = 0; i < args.length; i++) {
            args[i] = in.getLong();
        }
        return args;
    }
}
