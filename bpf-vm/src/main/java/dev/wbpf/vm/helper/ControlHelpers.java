package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HelperFault;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.memory.AtomicOp;
import dev.wbpf.vm.memory.Pointers;
import dev.wbpf.vm.memory.RegionKind;

/** bpf_loop and the spin lock pair: helpers that change the flow of the program. */
final class ControlHelpers {
    private ControlHelpers() {}

    /** The kernel's BPF_MAX_LOOPS. */
    static final long MAX_LOOPS = 1 << 23;

    /** Calls {@code callback(i, callbackCtx)} for i = 0.. until it returns 1; returns the number of calls. */
    static long loop(ExecutionContext ctx, long iterations, long callback, long callbackCtx, long flags, long r5) {
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        if (Long.compareUnsigned(iterations & 0xffff_ffffL, MAX_LOOPS) > 0) {
            return -Errno.E2BIG;
        }
        long n = iterations & 0xffff_ffffL;
        for (long i = 0; i < n; i++) {
            long result = ctx.callFunction(callback, i, callbackCtx, 0, 0, 0);
            if (result != 0) {
                return i + 1;
            }
        }
        return n;
    }

    /** Takes the 4-byte lock word in a map value; spins (counting against the budget) while another CPU holds it. */
    static long spinLock(ExecutionContext ctx, long lock, long r2, long r3, long r4, long r5) {
        checkLockWord(ctx, lock);
        ctx.holdSpinLock(lock);
        while (ctx.memory().atomic(AtomicOp.CMPXCHG, false, lock, 1, 0, ctx.instruction()) != 0) {
            Thread.onSpinWait();
        }
        return 0;
    }

    static long spinUnlock(ExecutionContext ctx, long lock, long r2, long r3, long r4, long r5) {
        if (ctx.heldSpinLock() != lock) {
            throw new HelperFault(ctx.instruction(), "bpf_spin_unlock of a lock this run does not hold");
        }
        ctx.releaseSpinLock();
        return 0;
    }

    private static void checkLockWord(ExecutionContext ctx, long lock) {
        int region = ctx.memory().check(lock, 4, true, ctx.instruction());
        if (ctx.memory().kind(region) != RegionKind.MAP_VALUE || (Pointers.offset(lock) & 3) != 0) {
            throw new HelperFault(ctx.instruction(), "bpf_spin_lock needs an aligned lock inside a map value");
        }
    }
}
