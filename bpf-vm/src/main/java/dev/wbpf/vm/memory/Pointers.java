package dev.wbpf.vm.memory;

/**
 * How the VM spells a pointer in a 64-bit register: the region id in the high 32 bits and the byte
 * offset inside that region in the low 32 bits. Adding and subtracting on the value moves the
 * offset and keeps the region, which is exactly what BPF pointer arithmetic needs; anything that
 * leaves the region (or was never a pointer) fails the bounds check when dereferenced.
 *
 * <p>The offset is stored biased by 2^31, so that arithmetic up to 2 GiB below a region's start
 * (e.g. {@code fp-520}) stays in that region's id and the fault message can name the region.
 *
 * <p>Region id 0 is never allocated, so 0 (NULL) and every small scalar are invalid pointers.
 * Two ids above every region the table can hold mark values that may be passed around but not
 * dereferenced: map handles and function pointers.
 */
public final class Pointers {
    private Pointers() {}

    /** Pseudo region of map handles; the offset is the handle slot (see ExecutionContext). */
    public static final int MAP_HANDLE_REGION = 0x7fff_ff00;
    /** Pseudo region of function pointers; the offset is the target instruction index. */
    public static final int FUNCTION_REGION = 0x7fff_ff01;

    public static long of(int region, int offset) {
        return (long) region << 32 | ((offset ^ Integer.MIN_VALUE) & 0xffff_ffffL);
    }

    public static int region(long pointer) {
        return (int) (pointer >>> 32);
    }

    public static int offset(long pointer) {
        return (int) pointer ^ Integer.MIN_VALUE;
    }

    public static long mapHandle(int slot) {
        return of(MAP_HANDLE_REGION, slot);
    }

    public static boolean isMapHandle(long value) {
        return region(value) == MAP_HANDLE_REGION;
    }

    public static long function(int instruction) {
        return of(FUNCTION_REGION, instruction);
    }

    public static boolean isFunction(long value) {
        return region(value) == FUNCTION_REGION;
    }
}
