package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HelperFault;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.map.ValueSlot;
import dev.wbpf.vm.map.VmMap;
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

    /**
     * Calls {@code callback(map, &key, &value, callbackCtx)} for each element until it returns 1;
     * returns the number of elements visited. The keys are taken before the first call, so a
     * callback that deletes or adds elements neither loops forever nor sees an element twice;
     * elements deleted meanwhile are skipped. The key is read-only, the value the map's own.
     */
    static long forEachMapElem(ExecutionContext ctx, long mapHandle, long callback, long callbackCtx, long flags, long r5) {
        if (flags != 0) {
            return -Errno.EINVAL;
        }
        VmMap map = ctx.map(mapHandle);
        java.util.List<byte[]> keys = new java.util.ArrayList<>();
        for (byte[] key = map.nextKey(null); key != null && keys.size() < map.maxEntries(); key = map.nextKey(key)) {
            keys.add(key);
        }
        boolean writable = (map.definition().flags() & VmProgram.BPF_F_RDONLY_PROG) == 0;
        byte[] keyBuffer = new byte[map.keySize()];
        long keyPointer = ctx.memory().add(RegionKind.HELPER_MEMORY, "key of map `" + map.name() + "`", keyBuffer, 0,
                keyBuffer.length, false, map);
        long visited = 0;
        for (byte[] key : keys) {
            ValueSlot slot = map.find(key, ctx.cpu());
            if (slot == null) {
                continue;
            }
            System.arraycopy(key, 0, keyBuffer, 0, keyBuffer.length);
            long value = ctx.memory().addShared(RegionKind.MAP_VALUE, map.valueRegionName(),
                    slot.array(), slot.offset(), slot.length(), writable, map);
            visited++;
            if (ctx.callFunction(callback, mapHandle, keyPointer, value, callbackCtx, 0) != 0) {
                break;
            }
        }
        return visited;
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
