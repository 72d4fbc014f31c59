package dev.wbpf.vm.memory;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Atomic read-modify-write on little-endian words inside a {@code byte[]}, returning the old
 * value. Uses the JVM's atomic byte-array views when the platform aligns array elements so
 * that they work (probed once), and a lock on the array otherwise; a given JVM always takes
 * the same path, so atomics on one location never mix the two.
 */
final class AtomicAccess {
    private AtomicAccess() {}

    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final boolean NATIVE = probeNativeAtomics();

    private static boolean probeNativeAtomics() {
        try {
            byte[] probe = new byte[16];
            I64.getAndAdd(probe, 0, 1L);
            I64.getAndAdd(probe, 8, 1L);
            I32.getAndAdd(probe, 4, 1);
            return true;
        } catch (IllegalStateException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** @param index array index, aligned to the width by the caller */
    static long apply(AtomicOp op, boolean wide, byte[] bytes, int index, long operand, long expected) {
        if (NATIVE) {
            return wide ? native64(op, bytes, index, operand, expected) : native32(op, bytes, index, (int) operand, (int) expected) & 0xffff_ffffL;
        }
        synchronized (bytes) {
            long old = wide ? (long) I64.get(bytes, index) : (int) I32.get(bytes, index) & 0xffff_ffffL;
            long updated = switch (op) {
                case ADD -> old + operand;
                case OR -> old | operand;
                case AND -> old & operand;
                case XOR -> old ^ operand;
                case XCHG -> operand;
                case CMPXCHG -> (wide ? old == expected : (int) old == (int) expected) ? operand : old;
            };
            if (wide) {
                I64.set(bytes, index, updated);
            } else {
                I32.set(bytes, index, (int) updated);
            }
            return old;
        }
    }

    private static long native64(AtomicOp op, byte[] bytes, int index, long operand, long expected) {
        return switch (op) {
            case ADD -> (long) I64.getAndAdd(bytes, index, operand);
            case OR -> (long) I64.getAndBitwiseOr(bytes, index, operand);
            case AND -> (long) I64.getAndBitwiseAnd(bytes, index, operand);
            case XOR -> (long) I64.getAndBitwiseXor(bytes, index, operand);
            case XCHG -> (long) I64.getAndSet(bytes, index, operand);
            case CMPXCHG -> (long) I64.compareAndExchange(bytes, index, expected, operand);
        };
    }

    private static int native32(AtomicOp op, byte[] bytes, int index, int operand, int expected) {
        return switch (op) {
            case ADD -> (int) I32.getAndAdd(bytes, index, operand);
            case OR -> (int) I32.getAndBitwiseOr(bytes, index, operand);
            case AND -> (int) I32.getAndBitwiseAnd(bytes, index, operand);
            case XOR -> (int) I32.getAndBitwiseXor(bytes, index, operand);
            case XCHG -> (int) I32.getAndSet(bytes, index, operand);
            case CMPXCHG -> (int) I32.compareAndExchange(bytes, index, expected, operand);
        };
    }
}
