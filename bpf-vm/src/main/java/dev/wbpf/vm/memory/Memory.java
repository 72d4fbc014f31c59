package dev.wbpf.vm.memory;

import dev.wbpf.vm.MemoryFault;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The region table of one execution context: every byte a program may touch belongs to a region
 * (a window {@code [base, base+size)} of some Java {@code byte[]}) and is reached through a
 * {@link Pointers tagged pointer}. Every access is checked for region, bounds and permission;
 * a failed check throws {@link MemoryFault} naming the instruction and the access, and no byte
 * outside the regions is read or written.
 *
 * <p>Not thread-safe: one table per {@code ExecutionContext}, which belongs to one thread. The
 * bytes themselves may be shared (map values), as they are in the kernel.
 */
public final class Memory {
    private static final VarHandle I16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle I64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    /** Bounds the table so that a program cannot grow it without limit (one region per lookup). */
    public static final int MAX_REGIONS = 1 << 20;
    private static final int RETIRED = -1;

    private byte[][] data = new byte[32][];
    private int[] base = new int[32];
    private int[] size = new int[32];
    private boolean[] writable = new boolean[32];
    private RegionKind[] kinds = new RegionKind[32];
    private String[] names = new String[32];
    private Object[] owners = new Object[32];
    private int count = 1; // id 0 is never a region: NULL and small scalars must fault
    private int permanentCount = 1;
    private final RegionInterner interner = new RegionInterner();

    public Memory() {
        size[0] = RETIRED;
    }

    /**
     * Adds a region and returns a pointer to its first byte.
     *
     * @param owner what the region belongs to (a map, a ring buffer); helpers use it to check that
     *              a pointer they are given came from the right place; may be null
     */
    public long add(RegionKind kind, String name, byte[] bytes, int offset, int length, boolean canWrite, Object owner) {
        if (offset < 0 || length < 0 || offset > bytes.length - length) {
            throw new IllegalArgumentException("region " + name + " [" + offset + ", +" + length + ") outside its array of " + bytes.length);
        }
        if (count == MAX_REGIONS) {
            throw new MemoryFault(dev.wbpf.vm.VmException.NO_INSTRUCTION, "more than " + MAX_REGIONS + " memory regions in one run");
        }
        if (count == data.length) {
            grow();
        }
        int id = count++;
        data[id] = bytes;
        base[id] = offset;
        size[id] = length;
        writable[id] = canWrite;
        kinds[id] = kind;
        names[id] = name;
        owners[id] = owner;
        return Pointers.of(id, 0);
    }

    /**
     * Like {@link #add}, but hands out the same region again when the same window of the same
     * array is added twice in a run, so that a lookup inside a loop does not grow the table.
     */
    public long addShared(RegionKind kind, String name, byte[] bytes, int offset, int length, boolean canWrite, Object owner) {
        int existing = interner.find(this, bytes, offset, length, canWrite);
        if (existing > 0) {
            return Pointers.of(existing, 0);
        }
        long pointer = add(kind, name, bytes, offset, length, canWrite, owner);
        interner.put(this, Pointers.region(pointer));
        return pointer;
    }

    /** Regions added so far survive {@link #reset()}; used for the fixed stack frames. */
    public void makePermanent() {
        permanentCount = count;
    }

    /** Forgets every region added since {@link #makePermanent()}. */
    public void reset() {
        for (int i = permanentCount; i < count; i++) {
            data[i] = null;
            owners[i] = null;
            names[i] = null;
        }
        count = permanentCount;
        interner.clear();
    }

    /** The current table size; pass it to {@link #truncate} to forget regions added after this point. */
    public int mark() {
        return count;
    }

    /** Forgets the regions added since {@link #mark()} returned {@code mark}. */
    public void truncate(int mark) {
        if (mark < permanentCount || mark > count) {
            throw new IllegalArgumentException("bad region mark " + mark);
        }
        for (int i = mark; i < count; i++) {
            data[i] = null;
            owners[i] = null;
            names[i] = null;
        }
        count = mark;
        interner.clear();
    }

    /** Makes a region unusable, e.g. a ring buffer record after submit; later accesses fault. */
    public void retire(int region) {
        size[region] = RETIRED;
        interner.clear(); // cheap and rare; keeps the interner from handing out a retired id
    }

    // ---- queries used by helpers ----

    public boolean isRegion(int region) {
        return region > 0 && region < count && size[region] != RETIRED;
    }

    public RegionKind kind(int region) {
        return kinds[region];
    }

    public Object owner(int region) {
        return owners[region];
    }

    public byte[] array(int region) {
        return data[region];
    }

    public int base(int region) {
        return base[region];
    }

    public int size(int region) {
        return size[region];
    }

    public String name(int region) {
        return names[region];
    }

    int regionCount() {
        return count;
    }

    boolean matches(int region, byte[] bytes, int offset, int length, boolean canWrite) {
        return data[region] == bytes && base[region] == offset && size[region] == length && writable[region] == canWrite;
    }

    /**
     * Checks that {@code length} bytes at {@code address} lie in one region (writable if
     * {@code write}) and returns the region id; {@link #arrayIndex} then gives the array position.
     */
    public int check(long address, int length, boolean write, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || length < 0 || off > size[r] - length || (write && !writable[r])) {
            throw fault(insn, address, length, write);
        }
        return r;
    }

    public int arrayIndex(int region, long address) {
        return base[region] + Pointers.offset(address);
    }

    // ---- the checked accesses the interpreter uses; small so that the JIT inlines them ----

    public long load8(long address, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off >= size[r]) {
            throw fault(insn, address, 1, false);
        }
        return data[r][base[r] + off] & 0xffL;
    }

    public long load16(long address, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off > size[r] - 2) {
            throw fault(insn, address, 2, false);
        }
        return (short) I16.get(data[r], base[r] + off) & 0xffffL;
    }

    public long load32(long address, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off > size[r] - 4) {
            throw fault(insn, address, 4, false);
        }
        return (int) I32.get(data[r], base[r] + off) & 0xffff_ffffL;
    }

    public long load64(long address, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off > size[r] - 8) {
            throw fault(insn, address, 8, false);
        }
        return (long) I64.get(data[r], base[r] + off);
    }

    public void store8(long address, long value, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off >= size[r] || !writable[r]) {
            throw fault(insn, address, 1, true);
        }
        data[r][base[r] + off] = (byte) value;
    }

    public void store16(long address, long value, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off > size[r] - 2 || !writable[r]) {
            throw fault(insn, address, 2, true);
        }
        I16.set(data[r], base[r] + off, (short) value);
    }

    public void store32(long address, long value, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off > size[r] - 4 || !writable[r]) {
            throw fault(insn, address, 4, true);
        }
        I32.set(data[r], base[r] + off, (int) value);
    }

    public void store64(long address, long value, int insn) {
        int r = (int) (address >>> 32);
        int off = (int) address ^ Integer.MIN_VALUE;
        if (r <= 0 || r >= count || off < 0 || off > size[r] - 8 || !writable[r]) {
            throw fault(insn, address, 8, true);
        }
        I64.set(data[r], base[r] + off, value);
    }

    // ---- bulk access for helpers ----

    public byte[] read(long address, int length, int insn) {
        int r = check(address, length, false, insn);
        int from = arrayIndex(r, address);
        return Arrays.copyOfRange(data[r], from, from + length);
    }

    public void write(long address, byte[] bytes, int from, int length, int insn) {
        int r = check(address, length, true, insn);
        System.arraycopy(bytes, from, data[r], arrayIndex(r, address), length);
    }

    /** Zeroes {@code length} bytes, as helpers do with their output buffer on failure. */
    public void fill(long address, int length, byte value, int insn) {
        int r = check(address, length, true, insn);
        int from = arrayIndex(r, address);
        Arrays.fill(data[r], from, from + length, value);
    }

    /** Atomic read-modify-write; see {@link AtomicAccess}. */
    public long atomic(AtomicOp op, boolean wide, long address, long operand, long expected, int insn) {
        int width = wide ? 8 : 4;
        int r = check(address, width, true, insn);
        if ((Pointers.offset(address) & (width - 1)) != 0) {
            throw new MemoryFault(insn, "misaligned atomic " + op.mnemonic() + " of " + width + " bytes at " + where(r, Pointers.offset(address)));
        }
        return AtomicAccess.apply(op, wide, data[r], arrayIndex(r, address), operand, expected);
    }

    // ---- fault messages ----

    /** Builds the exception for a failed check, e.g. "write of 8 bytes at ctx+72 out of bounds (ctx is 24 bytes)". */
    public MemoryFault fault(int insn, long address, int length, boolean write) {
        String access = (write ? "write" : "read") + " of " + length + (length == 1 ? " byte" : " bytes");
        int r = Pointers.region(address);
        int off = Pointers.offset(address);
        String problem;
        if (address == 0) {
            problem = access + " through a null pointer";
        } else if (r == Pointers.MAP_HANDLE_REGION) {
            problem = access + " through a map handle, which is not memory the program may touch";
        } else if (r == Pointers.FUNCTION_REGION) {
            problem = access + " through a function pointer";
        } else if (r <= 0 || r >= count) {
            problem = access + " at 0x" + Long.toHexString(address) + ", which is not a pointer into any memory region";
        } else if (size[r] == RETIRED) {
            problem = access + " at " + where(r, off) + " after the region was released (" + names[r] + " submitted, discarded or invalidated)";
        } else if (off < 0 || length < 0 || off > size[r] - length) {
            problem = access + " at " + where(r, off) + " out of bounds (" + names[r] + " is " + size[r] + " bytes)";
        } else {
            problem = access + " at " + where(r, off) + ": " + names[r] + " is read-only";
        }
        return new MemoryFault(insn, problem);
    }

    private String where(int r, int off) {
        if (kinds[r] == RegionKind.STACK) {
            int fromTop = off - size[r];
            return names[r] + " at fp" + (fromTop < 0 ? "" : "+") + fromTop;
        }
        return names[r] + (off < 0 ? "" : "+") + off;
    }

    private void grow() {
        int n = data.length * 2;
        data = Arrays.copyOf(data, n);
        base = Arrays.copyOf(base, n);
        size = Arrays.copyOf(size, n);
        writable = Arrays.copyOf(writable, n);
        kinds = Arrays.copyOf(kinds, n);
        names = Arrays.copyOf(names, n);
        owners = Arrays.copyOf(owners, n);
    }
}
