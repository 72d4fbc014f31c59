package dev.wbpf.vm;

import dev.wbpf.vm.map.ArrayMap;
import dev.wbpf.vm.map.ValueSlot;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.memory.Memory;
import dev.wbpf.vm.memory.Pointers;
import dev.wbpf.vm.memory.RegionKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Everything one run needs besides the program: registers, the 8 stack frames, the region table,
 * the virtual CPU, the instruction budget, and what helpers need to reach the host. Reusable
 * (runs allocate nothing here once warmed up) but owned by one thread at a time — typically one
 * context per thread, each thread a virtual CPU.
 *
 * <p>Set up a run with {@link #reset()}, then {@link #addMemory} for the context / packet /
 * caller memory and {@link #setArgument} for r1..r5; then {@link Machine#execute}.
 */
public final class ExecutionContext {
    public static final int MAX_FRAMES = 8;
    public static final int STACK_SIZE = 512;
    /** The kernel's MAX_TAIL_CALL_CNT. */
    public static final int MAX_TAIL_CALLS = 33;
    public static final long DEFAULT_BUDGET = 1_000_000;
    /** Iterations of {@code may_goto} loops per run before it takes its branch (the kernel's BPF_MAX_LOOPS). */
    public static final long MAY_GOTO_ITERATIONS = 1 << 23;
    /** Map handles at or above this slot refer to inner maps found during the run. */
    private static final int INNER_MAP_SLOT_BASE = 0x10000;

    private final int cpu;
    private final HostEnvironment environment;
    private final Memory memory = new Memory();
    private final byte[] stack = new byte[MAX_FRAMES * STACK_SIZE];
    private final long[] arguments = new long[6];
    private long budget = DEFAULT_BUDGET;
    private long legacyPacket;
    private long legacyPacketLength;
    private Object programContext;

    // ---- per-run state, driven by the Machine ----
    final long[] registers = new long[11];
    final int[] returnAddress = new int[MAX_FRAMES];
    final long[] savedRegisters = new long[MAX_FRAMES * 4];
    long remainingBudget;
    int instruction;
    int framesUsed = MAX_FRAMES; // frames whose stack may hold data from an earlier run
    int tailCalls;
    long mayGotoRemaining;
    int depth;
    boolean abortedByPacketLoad;
    private VmProgram program;
    private int valueRegionBase;
    private final List<VmMap> innerMaps = new ArrayList<>();
    private long heldSpinLock;
    private VmProgram slotsProgram;
    private ValueSlot[] slots;

    public ExecutionContext(int cpu, HostEnvironment environment) {
        this.cpu = cpu;
        this.environment = environment;
        for (int frame = 0; frame < MAX_FRAMES; frame++) {
            memory.add(RegionKind.STACK, "stack of frame " + frame, stack, frame * STACK_SIZE, STACK_SIZE, true, null);
        }
        memory.makePermanent();
    }

    public ExecutionContext(int cpu) {
        this(cpu, HostEnvironment.ofCurrentProcess());
    }

    /** Forgets the regions and arguments of the previous run. */
    public ExecutionContext reset() {
        memory.reset();
        Arrays.fill(arguments, 0);
        legacyPacket = 0;
        legacyPacketLength = 0;
        programContext = null;
        return this;
    }

    /** Adds a region the program may use and returns a pointer to its first byte. */
    public long addMemory(RegionKind kind, String name, byte[] bytes, int offset, int length, boolean writable) {
        return memory.add(kind, name, bytes, offset, length, writable, null);
    }

    public long addMemory(String name, byte[] bytes, boolean writable) {
        return addMemory(RegionKind.CONTEXT, name, bytes, 0, bytes.length, writable);
    }

    /** Sets r{@code register} (1..5) at entry. */
    public ExecutionContext setArgument(int register, long value) {
        if (register < 1 || register > 5) {
            throw new IllegalArgumentException("arguments are r1..r5, not r" + register);
        }
        arguments[register] = value;
        return this;
    }

    /** The packet that LD_ABS/LD_IND and skb_load_bytes read: a pointer from {@link #addMemory}. */
    public ExecutionContext setLegacyPacket(long pointer, int length) {
        legacyPacket = pointer;
        legacyPacketLength = length;
        return this;
    }

    /**
     * The object behind the program's context argument (an XDP buffer, an skb), for helpers that
     * act on it ({@code bpf_xdp_adjust_head}, {@code bpf_skb_load_bytes}); null when the program
     * type has none. Cleared by {@link #reset()}.
     */
    public ExecutionContext setProgramContext(Object context) {
        programContext = context;
        return this;
    }

    public Object programContext() {
        return programContext;
    }

    public ExecutionContext setBudget(long instructions) {
        if (instructions <= 0) {
            throw new IllegalArgumentException("budget must be positive: " + instructions);
        }
        budget = instructions;
        return this;
    }

    public long budget() {
        return budget;
    }

    public int cpu() {
        return cpu;
    }

    public HostEnvironment environment() {
        return environment;
    }

    public Memory memory() {
        return memory;
    }

    /** Index of the instruction being executed (the helper call, for helpers). */
    public int instruction() {
        return instruction;
    }

    public long legacyPacket() {
        return legacyPacket;
    }

    public long legacyPacketLength() {
        return legacyPacketLength;
    }

    /** Registers after the last run (r0..r10), for tests and debugging. */
    public long register(int index) {
        return registers[index];
    }

    // ---- used by the Machine ----

    /**
     * One run of {@code first} by {@code body} (which returns r0): sets up the run, turns anything
     * but the VM's own exceptions into a {@link VmInternalError} naming the instruction, and
     * forgets the run's regions afterwards. Callbacks of helpers always run on the interpreter.
     */
    long runGuarded(VmProgram first, ToLongFunction<ExecutionContext> body) {
        int mark = memory.mark();
        try {
            beginRun(first);
            long r0 = body.applyAsLong(this);
            return abortedByPacketLoad ? 0 : r0;
        } catch (VmException e) {
            throw e;
        } catch (RuntimeException | StackOverflowError e) {
            throw new VmInternalError(instruction, e);
        } finally {
            endRun();
            memory.truncate(mark);
        }
    }

    void beginRun(VmProgram first) {
        Arrays.fill(registers, 0);
        System.arraycopy(arguments, 1, registers, 1, 5);
        // Frames an earlier run used may hold its data; the program must not read it.
        Arrays.fill(stack, 0, framesUsed * STACK_SIZE, (byte) 0);
        framesUsed = 1;
        registers[10] = frameTop(0);
        remainingBudget = budget;
        tailCalls = 0;
        mayGotoRemaining = MAY_GOTO_ITERATIONS;
        abortedByPacketLoad = false;
        innerMaps.clear();
        heldSpinLock = 0;
        bind(first);
    }

    /** Makes {@code next} the running program: its global-data regions become addressable. */
    int bind(VmProgram next) {
        program = next;
        VmMap[] valueMaps = next.directValueMaps();
        if (valueMaps.length == 0) {
            valueRegionBase = 0;
            return 0;
        }
        ValueSlot[] dataSlots = globalDataSlots(next);
        int base = 0;
        for (int i = 0; i < valueMaps.length; i++) {
            VmMap map = valueMaps[i];
            ValueSlot slot = dataSlots[i];
            boolean writable = (map.definition().flags() & VmProgram.BPF_F_RDONLY_PROG) == 0;
            long pointer = memory.add(RegionKind.MAP_VALUE, map.valueRegionName(), slot.array(),
                    slot.offset(), slot.length(), writable, map);
            if (i == 0) {
                base = Pointers.region(pointer);
            }
        }
        valueRegionBase = base;
        return base;
    }

    /**
     * Where the program's global data lives on this CPU. An array map's element never moves, so the
     * slots of the last program bound are kept: runs of the same program skip the lookups.
     */
    private ValueSlot[] globalDataSlots(VmProgram next) {
        if (next == slotsProgram) {
            return slots;
        }
        VmMap[] valueMaps = next.directValueMaps();
        ValueSlot[] found = new ValueSlot[valueMaps.length];
        boolean stable = true;
        for (int i = 0; i < valueMaps.length; i++) {
            found[i] = valueMaps[i].find(new byte[valueMaps[i].keySize()], cpu);
            stable &= valueMaps[i] instanceof ArrayMap;
        }
        slotsProgram = stable ? next : null;
        slots = found;
        return found;
    }

    int valueRegionBase() {
        return valueRegionBase;
    }

    VmProgram program() {
        return program;
    }

    static long frameTop(int frame) {
        return Pointers.of(1 + frame, STACK_SIZE);
    }

    void endRun() {
        if (heldSpinLock != 0) {
            releaseSpinLock();
        }
    }

    // ---- services for helpers ----

    /** The map a handle in a register names; a HelperFault when it names none. */
    public VmMap map(long handle) {
        if (Pointers.isMapHandle(handle)) {
            int slot = Pointers.offset(handle);
            VmMap[] maps = program.mapsShared();
            if (slot >= 0 && slot < maps.length) {
                return maps[slot];
            }
            int inner = slot - INNER_MAP_SLOT_BASE;
            if (inner >= 0 && inner < innerMaps.size()) {
                return innerMaps.get(inner);
            }
        }
        throw new HelperFault(instruction, "0x" + Long.toHexString(handle) + " is not a map handle");
    }

    /** A handle for an inner map of a map-in-map, valid until the run ends. */
    public long handleOf(VmMap map) {
        VmMap[] maps = program.mapsShared();
        for (int i = 0; i < maps.length; i++) {
            if (maps[i] == map) {
                return Pointers.mapHandle(i);
            }
        }
        int index = innerMaps.indexOf(map);
        if (index < 0) {
            index = innerMaps.size();
            innerMaps.add(map);
        }
        return Pointers.mapHandle(INNER_MAP_SLOT_BASE + index);
    }

    /** Runs the program's function at {@code functionPointer} (a callback) and returns its r0. */
    public long callFunction(long functionPointer, long r1, long r2, long r3, long r4, long r5) {
        if (!Pointers.isFunction(functionPointer)) {
            throw new HelperFault(instruction, "callback 0x" + Long.toHexString(functionPointer) + " is not a function pointer");
        }
        return Interpreter.invokeCallback(this, Pointers.offset(functionPointer), r1, r2, r3, r4, r5);
    }

    /** Remembers the spin lock this run holds (the kernel allows one at a time). */
    public void holdSpinLock(long lockPointer) {
        if (heldSpinLock != 0) {
            throw new HelperFault(instruction, "bpf_spin_lock while already holding a spin lock");
        }
        heldSpinLock = lockPointer;
    }

    public long heldSpinLock() {
        return heldSpinLock;
    }

    public void releaseSpinLock() {
        long lock = heldSpinLock;
        heldSpinLock = 0;
        if (lock != 0) {
            memory.atomic(dev.wbpf.vm.memory.AtomicOp.XCHG, false, lock, 0, 0, instruction);
        }
    }
}
