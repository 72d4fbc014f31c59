package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.memory.Memory;

/**
 * Helpers that copy or compare bytes: probe_read (kernel/user, plain and string variants),
 * strncmp, csum_diff and skb_load_bytes. In the VM "kernel" and "user" memory are both just
 * VM regions: the probe helpers can never read outside them, and report -EFAULT (with the
 * destination zeroed) for a source that is not readable, as the kernel does.
 */
final class MemoryHelpers {
    private MemoryHelpers() {}

    static final int EFAULT = 14;

    static long probeRead(ExecutionContext ctx, long dst, long size, long unsafeSrc, long r4, long r5) {
        Memory memory = ctx.memory();
        if (size < 0 || size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
        }
        memory.check(dst, (int) size, true, ctx.instruction()); // the destination must be the program's own memory
        byte[] bytes;
        try {
            bytes = memory.read(unsafeSrc, (int) size, ctx.instruction());
        } catch (MemoryFault e) {
            memory.fill(dst, (int) size, (byte) 0, ctx.instruction());
            return -EFAULT;
        }
        memory.write(dst, bytes, 0, bytes.length, ctx.instruction());
        return 0;
    }

    /** Copies a NUL-terminated string of at most size-1 bytes plus NUL; returns the length including NUL. */
    static long probeReadStr(ExecutionContext ctx, long dst, long size, long unsafeSrc, long r4, long r5) {
        Memory memory = ctx.memory();
        if (size <= 0 || size > Integer.MAX_VALUE) {
            return size == 0 ? 0 : -Errno.EINVAL;
        }
        memory.check(dst, (int) size, true, ctx.instruction());
        byte[] out = new byte[(int) size];
        int n = 0;
        try {
            while (n < size - 1) {
                byte b = (byte) memory.load8(unsafeSrc + n, ctx.instruction());
                if (b == 0) {
                    break;
                }
                out[n++] = b;
            }
        } catch (MemoryFault e) {
            memory.fill(dst, (int) size, (byte) 0, ctx.instruction());
            return -EFAULT;
        }
        out[n] = 0;
        memory.write(dst, out, 0, n + 1, ctx.instruction());
        return n + 1;
    }

    /** Compares s1 (s1Size bytes at most) with the NUL-terminated s2: -1, 0 or 1 like the kernel's strncmp. */
    static long strncmp(ExecutionContext ctx, long s1, long s1Size, long s2, long r4, long r5) {
        Memory memory = ctx.memory();
        if (s1Size < 0 || s1Size > Integer.MAX_VALUE) {
            return -Errno.EINVAL;
        }
        memory.check(s1, (int) s1Size, false, ctx.instruction());
        for (int i = 0; i < s1Size; i++) {
            int c1 = (int) memory.load8(s1 + i, ctx.instruction());
            int c2 = (int) memory.load8(s2 + i, ctx.instruction());
            if (c1 != c2) {
                return c1 < c2 ? -1 : 1;
            }
            if (c1 == 0) {
                break;
            }
        }
        return 0;
    }

    /**
     * The one's-complement sum of {@code to} minus that of {@code from} plus {@code seed}, as a
     * 32-bit partial checksum (fold it to 16 bits for a header field). Sizes must be multiples of 4.
     */
    static long csumDiff(ExecutionContext ctx, long from, long fromSize, long to, long toSize, long seed) {
        if (fromSize < 0 || toSize < 0 || fromSize % 4 != 0 || toSize % 4 != 0 || fromSize > 512 || toSize > 512) {
            return -Errno.EINVAL;
        }
        Memory memory = ctx.memory();
        long sum = seed & 0xffff_ffffL;
        for (int i = 0; i < fromSize; i += 4) {
            sum += ~memory.load32(from + i, ctx.instruction()) & 0xffff_ffffL;
        }
        for (int i = 0; i < toSize; i += 4) {
            sum += memory.load32(to + i, ctx.instruction());
        }
        while ((sum >>> 32) != 0) {
            sum = (sum & 0xffff_ffffL) + (sum >>> 32);
        }
        return sum;
    }

    /** Copies {@code len} bytes from the packet at {@code offset}; -EFAULT (buffer zeroed) outside it. */
    static long skbLoadBytes(ExecutionContext ctx, long skb, long offset, long to, long len, long r5) {
        Memory memory = ctx.memory();
        if (len <= 0 || len > Integer.MAX_VALUE) {
            return -EFAULT;
        }
        memory.check(to, (int) len, true, ctx.instruction());
        long packet = ctx.legacyPacket();
        if (packet == 0 || offset < 0 || offset > ctx.legacyPacketLength() - len) {
            memory.fill(to, (int) len, (byte) 0, ctx.instruction());
            return -EFAULT;
        }
        byte[] bytes = memory.read(packet + offset, (int) len, ctx.instruction());
        memory.write(to, bytes, 0, bytes.length, ctx.instruction());
        return 0;
    }
}
