package dev.wbpf.vm;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.OpcodeTable;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperTable;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random programs without helpers or maps (ALU, jumps, loads and stores on a 64-byte buffer
 * and the stack, 64-bit immediates, bpf-to-bpf calls, exits), each run on the interpreter and on
 * the compiler: both must end the same way (r0, or the same error and message) and leave the
 * buffer the same. Unverified, so faults, runaway loops and odd encodings are all exercised.
 */
class EngineDifferentialTest {
    @Test void compilerAndInterpreterAgreeOnRandomPrograms() {
        Random random = new Random(0xd1ff_e4e7L);
        int compared = 0;
        int returned = 0;
        int compiled = 0;
        long deadline = System.nanoTime() + 15_000_000_000L;
        for (int i = 0; i < 20_000 && System.nanoTime() < deadline; i++) {
            VmProgram program;
            try {
                program = VmProgram.prepare("random", ProgramType.UNSPEC, randomProgram(random, 3 + random.nextInt(30)),
                        List.of(), HelperTable.standard());
            } catch (InvalidProgramException e) {
                continue;
            }
            byte[] memory = new byte[64];
            random.nextBytes(memory);
            compiled += Compiler.unsupported(program) == null ? 1 : 0;
            try {
                Vm.onEveryEngine(program, memory, 5_000);
                returned++;
            } catch (VmInternalError e) {
                throw new AssertionError("internal error on " + program.instructions().asList(), e);
            } catch (VmException expected) {
                // faults, budget, call depth: the engines agreed on them
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + " on " + program.instructions().asList(), e);
            }
            compared++;
        }
        System.out.printf("engine differential: %d programs compared (%d compiled), %d returned normally%n", compared, compiled, returned);
        assertTrue(compared > 2_000 && compiled > compared / 2 && returned > compared / 10,
                compared + " compared, " + compiled + " compiled, " + returned + " returned");
    }

    private static final int[] SIZES = {0x00, 0x08, 0x10, 0x18};

    private static Instructions randomProgram(Random random, int length) {
        List<Instruction> slots = new ArrayList<>();
        while (slots.size() < length) {
            Instruction insn = randomInstruction(random);
            if (!OpcodeTable.isDefined(insn)) {
                continue;
            }
            slots.add(insn);
            if (insn.isImm64Load()) {
                slots.add(Instruction.of(0, 0, 0, 0, random.nextInt()));
            }
        }
        slots.add(Instruction.of(0x95, 0, 0, 0, 0));
        // aim jumps and calls at real slots
        for (int i = 0; i < slots.size(); i++) {
            Instruction insn = slots.get(i);
            int op = insn.opcode();
            int target = random.nextInt(slots.size());
            boolean jump = ((op & 7) == 5 || (op & 7) == 6) && (op & 0xf0) != 0x80 && (op & 0xf0) != 0x90 && op != 0x06;
            if (jump) {
                slots.set(i, Instruction.of(op, insn.dst(), insn.src(), target - i - 1, insn.imm()));
            } else if (op == 0x85) {
                slots.set(i, Instruction.of(op, 0, 1, 0, target - i - 1));
            }
            if (insn.isImm64Load()) {
                i++;
            }
        }
        return Instructions.of("random", slots);
    }

    private static Instruction randomInstruction(Random random) {
        int dst = random.nextInt(10);
        int src = random.nextInt(11);
        int imm = switch (random.nextInt(4)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextInt(64);
            case 2 -> new int[] {16, 32, 64, 0, -1, Integer.MIN_VALUE, 1}[random.nextInt(7)];
            default -> random.nextInt(9) - 4;
        };
        int off = random.nextInt(4) == 0 ? new int[] {8, 16, 32, 1}[random.nextInt(4)] : random.nextInt(16) - 8;
        return switch (random.nextInt(10)) {
            case 0, 1, 2 -> Instruction.of(0x07 | random.nextInt(16) << 4 | (random.nextBoolean() ? 8 : 0), dst, src, off, imm); // ALU64
            case 3, 4 -> Instruction.of(0x04 | random.nextInt(16) << 4 | (random.nextBoolean() ? 8 : 0), dst, src, off, imm); // ALU32
            case 5 -> Instruction.of((random.nextBoolean() ? 0x05 : 0x06) | random.nextInt(16) << 4 | (random.nextBoolean() ? 8 : 0), dst, src, off, imm);
            case 6 -> { // load from the buffer (r1) or the stack (r10)
                int base = random.nextBoolean() ? 1 : 10;
                int at = base == 1 ? random.nextInt(72) - 4 : -random.nextInt(520);
                yield Instruction.of((random.nextInt(8) == 0 ? 0x81 : 0x61) | SIZES[random.nextInt(4)], dst, base, at, 0);
            }
            case 7 -> { // store to the buffer or the stack
                int base = random.nextBoolean() ? 1 : 10;
                int at = base == 1 ? random.nextInt(72) - 4 : -random.nextInt(520);
                yield Instruction.of((random.nextBoolean() ? 0x63 : 0x62) | SIZES[random.nextInt(4)], base, src, at, imm);
            }
            case 8 -> random.nextInt(4) == 0
                    ? Instruction.of(0x85, 0, 1, 0, 0) // a call, aimed later
                    : Instruction.of(0x18, dst, 0, 0, imm);
            default -> random.nextInt(3) == 0
                    ? Instruction.of(0x95, 0, 0, 0, 0)
                    : Instruction.of(random.nextBoolean() ? 0xc3 : 0xdb, 1, src, random.nextInt(8) * 8, new int[] {0x00, 0x01, 0x41, 0xe1, 0xf1}[random.nextInt(5)]);
        };
    }
}
