package dev.wbpf.vm;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.insn.Imm64Kind;
import dev.wbpf.core.insn.Imm64Load;
import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.Opcodes;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.memory.Pointers;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A program prepared for execution: instructions checked against RFC 9669 and kept as raw 64-bit
 * slots (what an interpreter loop indexes fastest), the 64-bit immediates of LD|IMM|DW resolved
 * to values (map handles, function pointers, global-data pointers), function entry points, and
 * the helper table. Immutable and shareable between threads.
 *
 * <p>Map references: in a VM program the "fd" of {@code LDDW src=1/2} and the index of
 * {@code src=5/6} are both indexes into {@link #maps()} — the loader numbers them that way.
 *
 * <p>This is where a verifier sits in front: {@code prepare} checks encodings only; semantic
 * safety is enforced at run time by the memory model whatever the verifier decides.
 */
public final class VmProgram {
    /** {@code BPF_F_RDONLY_PROG}: the program may only read the map's values (.rodata). */
    public static final int BPF_F_RDONLY_PROG = 1 << 7;

    private final String name;
    private final ProgramType type;
    private final long[] code;
    private final long[] imm64;
    private final boolean[] functionEntry;
    private final VmMap[] maps;
    private final VmMap[] directValueMaps;
    private final HelperTable helpers;

    private VmProgram(String name, ProgramType type, long[] code, long[] imm64, boolean[] functionEntry, VmMap[] maps,
                      VmMap[] directValueMaps, HelperTable helpers) {
        this.name = name;
        this.type = type;
        this.code = code;
        this.imm64 = imm64;
        this.functionEntry = functionEntry;
        this.maps = maps;
        this.directValueMaps = directValueMaps;
        this.helpers = helpers;
    }

    public static VmProgram prepare(String name, ProgramType type, Instructions instructions, List<? extends VmMap> maps,
                                    HelperTable helpers) {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        Objects.requireNonNull(helpers);
        if (instructions.size() == 0) {
            throw new InvalidProgramException("program `" + name + "` has no instructions");
        }
        try {
            instructions.validate();
        } catch (BpfFormatException e) {
            throw new InvalidProgramException(e.problem(), e);
        }
        VmMap[] mapArray = maps.toArray(VmMap[]::new);
        int n = instructions.size();
        // One extra slot past the end: reaching it means the program fell off its last instruction.
        long[] code = new long[n + 1];
        long[] imm64 = new long[n + 1];
        boolean[] entry = new boolean[n + 1];
        entry[0] = true;
        code[n] = Interpreter.FELL_OFF_END;
        List<VmMap> valueMaps = new ArrayList<>();
        for (int pc = 0; pc < n; pc++) {
            Instruction insn = instructions.get(pc);
            code[pc] = insn.toRaw();
            if (insn.isImm64Load()) {
                Imm64Load load = instructions.imm64Load(pc);
                imm64[pc] = resolve(load, n, mapArray, valueMaps, entry);
                code[pc + 1] = instructions.get(pc + 1).toRaw();
                pc++;
            } else if (insn.opcode() == Opcodes.CALL_OPCODE) {
                if (insn.src() == Opcodes.PSEUDO_CALL) {
                    long target = (long) pc + 1 + insn.imm();
                    if (target < 0 || target >= n) {
                        throw new InvalidProgramException(pc, "call target " + target + " outside the program");
                    }
                    entry[(int) target] = true;
                } else if (insn.src() == Opcodes.PSEUDO_KFUNC_CALL) {
                    throw new InvalidProgramException(pc, "kfunc calls are not supported by the VM");
                }
            }
        }
        return new VmProgram(name, type, code, imm64, entry, mapArray, valueMaps.toArray(VmMap[]::new), helpers);
    }

    public static VmProgram prepare(String name, Instructions instructions) {
        return prepare(name, ProgramType.UNSPEC, instructions, List.of(), HelperTable.standard());
    }

    private static long resolve(Imm64Load load, int n, VmMap[] maps, List<VmMap> valueMaps, boolean[] entry) {
        Imm64Kind kind = load.kind();
        return switch (kind) {
            case IMM64 -> load.imm64();
            case MAP_FD, MAP_IDX -> {
                checkMapIndex(load, maps);
                yield Pointers.mapHandle(load.imm());
            }
            case MAP_VALUE, MAP_IDX_VALUE -> {
                checkMapIndex(load, maps);
                VmMap map = maps[load.imm()];
                if (map.keySize() != 4 || map.find(new byte[4], 0) == null) {
                    throw new InvalidProgramException(load.slot(), "map `" + map.name() + "` has no direct value access (only array maps do)");
                }
                if (load.nextImm() < 0 || load.nextImm() >= map.valueSize()) {
                    throw new InvalidProgramException(load.slot(), "offset " + load.nextImm() + " outside the value of map `" + map.name() + "`");
                }
                int index = valueMaps.indexOf(map);
                if (index < 0) {
                    index = valueMaps.size();
                    valueMaps.add(map);
                }
                // Region id relative to the first global-data region of the run; the interpreter adds that base.
                yield Pointers.of(index, load.nextImm());
            }
            case FUNC -> {
                long target = (long) load.slot() + 1 + load.imm();
                if (target < 0 || target >= n) {
                    throw new InvalidProgramException(load.slot(), "function pointer target " + target + " outside the program");
                }
                entry[(int) target] = true;
                yield Pointers.function((int) target);
            }
            case BTF_ID -> throw new InvalidProgramException(load.slot(), "kernel symbols (ksym) do not exist in the VM");
        };
    }

    private static void checkMapIndex(Imm64Load load, VmMap[] maps) {
        if (load.imm() < 0 || load.imm() >= maps.length) {
            throw new InvalidProgramException(load.slot(), "map reference " + load.imm() + " but the program has " + maps.length + " maps");
        }
    }

    public String name() {
        return name;
    }

    public ProgramType type() {
        return type;
    }

    /** Number of instruction slots (without the VM's end marker). */
    public int size() {
        return code.length - 1;
    }

    public VmMap[] maps() {
        return maps.clone();
    }

    public HelperTable helpers() {
        return helpers;
    }

    public boolean isFunctionEntry(int slot) {
        return slot >= 0 && slot < functionEntry.length && functionEntry[slot];
    }

    // ---- for machines in this package; arrays are shared, never modified ----

    long[] code() {
        return code;
    }

    long[] imm64() {
        return imm64;
    }

    VmMap[] mapsShared() {
        return maps;
    }

    VmMap[] directValueMaps() {
        return directValueMaps;
    }

    @Override
    public String toString() {
        return "VmProgram[" + name + ", " + type.displayName() + ", " + size() + " slots]";
    }
}
