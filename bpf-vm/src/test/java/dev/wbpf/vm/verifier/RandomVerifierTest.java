package dev.wbpf.vm.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.Interpreter;
import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.VmInternalError;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import dev.wbpf.vm.memory.RegionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded random and mutated instruction streams through the verifier and, when accepted, the
 * interpreter on random raw-tracepoint arguments: the verifier only ever answers with a verdict
 * (never another exception), and an accepted program never ends in a MemoryFault (that would be
 * a verifier bug).
 */
class RandomVerifierTest {
    private static final int[] OPCODES = {0x07, 0x0f, 0x17, 0x1f, 0x27, 0x2f, 0x37, 0x3f, 0x47, 0x4f, 0x57, 0x5f, 0x67, 0x77, 0x7f,
            0x87, 0x97, 0x9f, 0xa7, 0xaf, 0xb7, 0xbf, 0xc7, 0x04, 0x0c, 0x14, 0x24, 0x34, 0x54, 0x64, 0x74, 0xb4, 0xbc, 0xc4,
            0x15, 0x1d, 0x25, 0x2d, 0x35, 0x55, 0x5d, 0x65, 0xa5, 0xad, 0xb5, 0xc5, 0x16, 0x26, 0xa6, 0x05,
            0x61, 0x69, 0x71, 0x79, 0x81, 0x62, 0x6a, 0x72, 0x7a, 0x63, 0x6b, 0x73, 0x7b, 0xdb, 0xc3, 0x85, 0xdc, 0xd4};

    @Test void acceptedProgramsNeverFault() {
        Random random = new Random(0x7e21f1e5L);
        List<VmMap> maps = List.of(
                VmMaps.create(MapDefinition.of("a", MapType.ARRAY, 4, 16, 4), 1),
                VmMaps.create(MapDefinition.of("h", MapType.HASH, 4, 8, 16), 1),
                VmMaps.create(MapDefinition.of("rb", MapType.RINGBUF, 0, 0, 4096), 1));
        HostEnvironment env = HostEnvironment.ofCurrentProcess().withTraceLog(line -> { });
        ExecutionContext ctx = new ExecutionContext(0, env).setBudget(5_000);
        long deadline = System.nanoTime() + 15_000_000_000L;
        int verified = 0;
        int accepted = 0;
        List<String> bugs = new ArrayList<>();
        byte[] args = new byte[96];
        for (int iteration = 0; iteration < 200_000 && System.nanoTime() < deadline; iteration++) {
            Instructions code = randomProgram(random);
            try {
                Verifier.verify("random", ProgramType.RAW_TRACEPOINT, code, maps, HelperTable.standard(),
                        Verifier.Options.defaults().withInsnLimit(20_000));
            } catch (VerifierException refused) {
                assertTrue(!refused.getMessage().contains("internal verifier error"), refused.getMessage() + " for " + code.asList());
                verified++;
                continue;
            } catch (Throwable t) {
                fail("verifier threw " + t + " for " + code.asList(), t);
            }
            verified++;
            accepted++;
            VmProgram program;
            try {
                program = VmProgram.prepare("random", ProgramType.RAW_TRACEPOINT, code, maps, HelperTable.standard());
            } catch (VmException e) {
                bugs.add("accepted but prepare refused: " + e.getMessage() + " " + code.asList());
                continue;
            }
            for (int run = 0; run < 3; run++) {
                random.nextBytes(args);
                ctx.reset();
                long pointer = ctx.addMemory(RegionKind.CONTEXT, "args", args, 0, args.length, false);
                ctx.setArgument(1, pointer);
                try {
                    new Interpreter(program).execute(ctx);
                } catch (MemoryFault | VmInternalError e) {
                    bugs.add(e.getMessage() + " in accepted program " + code.asList());
                } catch (VmException expected) {
                    // budget, helper refusals: not memory safety
                }
            }
        }
        System.out.printf("random verifier: %d verified, %d accepted%n", verified, accepted);
        assertTrue(verified > 1000, "too few programs: " + verified);
        assertEquals(List.of(), bugs);
    }

    private static Instructions randomProgram(Random random) {
        int length = 3 + random.nextInt(20);
        List<Instruction> slots = new ArrayList<>();
        // a plausible prologue most of the time: a map value or a stack slot to play with
        if (random.nextBoolean()) {
            slots.add(Instruction.of(0x7a, 10, 0, -8, 0));
            slots.add(Instruction.of(0xbf, 2, 10, 0, 0));
            slots.add(Instruction.of(0x07, 2, 0, 0, -8));
            slots.add(Instruction.of(0x18, 1, 1, 0, 0));
            slots.add(Instruction.of(0, 0, 0, 0, 0));
            slots.add(Instruction.of(0x85, 0, 0, 0, 1));
            slots.add(Instruction.of(0x15, 0, 0, length + 1, 0)); // null: to the final exit
        }
        int body = slots.size();
        while (slots.size() < body + length) {
            int op = OPCODES[random.nextInt(OPCODES.length)];
            int dst = random.nextInt(10);
            int src = random.nextInt(11);
            int off = switch (random.nextInt(3)) {
                case 0 -> random.nextInt(16) - 8;
                case 1 -> -8 * (1 + random.nextInt(8));
                default -> random.nextInt(4);
            };
            int imm = random.nextInt(4) == 0 ? random.nextInt() : random.nextInt(64) - 8;
            if (op == 0x85) {
                imm = new int[] {1, 5, 7, 8, 131, 132, 35, 158}[random.nextInt(8)]; // 35, 158: the current task
                src = 0;
                dst = 0;
                off = 0;
            } else if (op == 0xdb || op == 0xc3) {
                imm = new int[] {0x00, 0x01, 0x40, 0x41, 0xe1, 0xf1}[random.nextInt(6)];
            } else if (op == 0xdc || op == 0xd4) {
                imm = new int[] {16, 32, 64}[random.nextInt(3)];
                src = 0;
            }
            if ((op & 0x07) == 0x07 || (op & 0x07) == 0x04) {
                if ((op & 0x08) == 0) {
                    src = 0;
                } else {
                    imm = 0;
                }
                if (op != 0xbf && op != 0xbc && op != 0x3f && op != 0x9f) {
                    off = 0;
                } else if (op == 0xbf || op == 0xbc) {
                    off = 0;
                } else {
                    off = random.nextInt(2);
                }
                if (op == 0x87) {
                    imm = 0;
                }
            }
            if ((op & 0x07) == 0x01 || (op & 0x07) == 0x03) {
                if ((op & 0xe0) != 0xc0) {
                    imm = 0;
                }
            }
            if ((op & 0x07) == 0x02) {
                src = 0;
            }
            if ((op & 0x07) == 0x05 || (op & 0x07) == 0x06) {
                if (op != 0x85) {
                    off = random.nextInt(4);
                    if ((op & 0x08) == 0) {
                        src = 0;
                    } else {
                        imm = 0;
                    }
                    if (op == 0x05) {
                        dst = 0;
                        imm = 0;
                    }
                }
            }
            slots.add(Instruction.of(op, dst, src, off, imm));
        }
        slots.add(Instruction.of(0xb7, 0, 0, 0, 0));
        slots.add(Instruction.of(0x95, 0, 0, 0, 0));
        // keep jumps inside the program
        for (int i = 0; i < slots.size(); i++) {
            Instruction insn = slots.get(i);
            int op = insn.opcode();
            if (((op & 0x07) == 0x05 || (op & 0x07) == 0x06) && op != 0x85 && op != 0x95 && i + 1 + insn.offset() >= slots.size()) {
                slots.set(i, Instruction.of(op, insn.dst(), insn.src(), slots.size() - 2 - i, insn.imm()));
            }
            if (insn.isImm64Load()) {
                i++;
            }
        }
        return Instructions.of("random", slots);
    }
}
