package dev.wbpf.vm;

import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.wbpf.core.insn.Instruction;
import dev.wbpf.core.insn.Instructions;
import dev.wbpf.core.insn.OpcodeTable;
import dev.wbpf.core.object.MapType;
import dev.wbpf.core.prog.ProgramType;
import dev.wbpf.vm.helper.HelperIds;
import dev.wbpf.vm.helper.HelperTable;
import dev.wbpf.vm.map.MapDefinition;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.map.VmMaps;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Random instruction streams (seeded, mostly valid encodings with registers, offsets and helper
 * numbers biased towards interesting values) run with small budgets: only VmExceptions other
 * than VmInternalError may escape, and memory outside the regions is never touched (checked by
 * guard bytes around the context).
 */
@ParameterizedClass(name = "{0}")
@EnumSource(Engine.class)
class RandomProgramTest {
    private final Engine engine;

    RandomProgramTest(Engine engine) {
        this.engine = engine;
    }

    private static final int[] HELPERS = {HelperIds.MAP_LOOKUP_ELEM, HelperIds.MAP_UPDATE_ELEM, HelperIds.MAP_DELETE_ELEM,
            HelperIds.KTIME_GET_NS, HelperIds.GET_PRANDOM_U32, HelperIds.TAIL_CALL, HelperIds.RINGBUF_RESERVE,
            HelperIds.RINGBUF_SUBMIT, HelperIds.RINGBUF_OUTPUT, HelperIds.LOOP, HelperIds.PROBE_READ_KERNEL,
            HelperIds.STRNCMP, HelperIds.CSUM_DIFF, HelperIds.MAP_PUSH_ELEM, HelperIds.MAP_POP_ELEM, 999};

    @Test void onlyVmExceptionsEscape() {
        Random random = new Random(0x5eed_b9f);
        List<VmMap> maps = List.of(
                VmMaps.create(MapDefinition.of("a", MapType.ARRAY, 4, 16, 4), 2),
                VmMaps.create(MapDefinition.of("h", MapType.HASH, 4, 8, 16), 2),
                VmMaps.create(MapDefinition.of("rb", MapType.RINGBUF, 0, 0, 4096), 2),
                VmMaps.create(MapDefinition.of("q", MapType.QUEUE, 0, 8, 4), 2),
                VmMaps.create(MapDefinition.of("p", MapType.PROG_ARRAY, 4, 4, 2), 2));
        long deadline = System.nanoTime() + 20_000_000_000L;
        int prepared = 0;
        int ran = 0;
        int completed = 0;
        int compiled = 0;
        byte[] backing = new byte[64 + 32 + 64];
        ExecutionContext ctx = new ExecutionContext(1, Vm.quietEnvironment()).setBudget(2_000);
        for (int iteration = 0; iteration < 60_000 && System.nanoTime() < deadline; iteration++) {
            Instructions code = randomProgram(random, 4 + random.nextInt(40));
            VmProgram program;
            try {
                program = VmProgram.prepare("random", ProgramType.XDP, code, maps, HelperTable.standard());
            } catch (InvalidProgramException e) {
                continue;
            }
            prepared++;
            java.util.Arrays.fill(backing, (byte) 0x5a);
            ctx.reset();
            long context = ctx.addMemory(dev.wbpf.vm.memory.RegionKind.CONTEXT, "ctx", backing, 64, 32, true);
            ctx.setArgument(1, context).setArgument(2, 32).setLegacyPacket(context, 32);
            try {
                Machine machine = engine.machineFor(program);
                compiled += Compiler.isCompiled(machine) ? 1 : 0;
                machine.execute(ctx);
                completed++;
            } catch (VmInternalError e) {
                fail("internal error on program " + code.asList(), e);
            } catch (VmException expected) {
                // faults, budget, depth, unknown helpers: all fine
            } catch (Throwable t) {
                fail("non-VM exception escaped for program " + code.asList(), t);
            }
            ran++;
            for (int i = 0; i < 64; i++) {
                if (backing[i] != 0x5a || backing[backing.length - 1 - i] != 0x5a) {
                    fail("a guard byte outside the context region changed, program " + code.asList());
                }
            }
        }
        System.out.printf("random programs on the %s: %d prepared, %d ran (%d compiled), %d returned normally%n",
                engine, prepared, ran, compiled, completed);
        assertTrue(ran > 1000, "too few programs ran: " + ran);
        if (engine == Engine.COMPILER) {
            assertTrue(compiled > ran / 4, "the compiler compiled too few of them: " + compiled);
        }
    }

    private static Instructions randomProgram(Random random, int length) {
        List<Instruction> slots = new ArrayList<>();
        while (slots.size() < length) {
            Instruction insn = randomInstruction(random, length - slots.size());
            if (!OpcodeTable.isDefined(insn) && random.nextInt(50) != 0) {
                continue; // mostly valid encodings, so most programs get past prepare
            }
            slots.add(insn);
            if (insn.isImm64Load()) {
                slots.add(Instruction.of(0, 0, 0, 0, random.nextInt()));
            }
        }
        slots.add(Instruction.of(0x95, 0, 0, 0, 0));
        // Aim jumps and local calls at real slots, so that most programs get past prepare.
        for (int i = 0; i < slots.size(); i++) {
            Instruction insn = slots.get(i);
            int op = insn.opcode();
            boolean jump = (op & 0x07) == 0x05 || (op & 0x07) == 0x06;
            boolean branch = jump && (op & 0xf0) != 0x80 && (op & 0xf0) != 0x90 && op != 0x06;
            int target = random.nextInt(slots.size());
            if (branch) {
                slots.set(i, Instruction.of(op, insn.dst(), insn.src(), target - i - 1, insn.imm()));
            } else if (op == 0x85 && insn.src() == 1) {
                slots.set(i, Instruction.of(op, insn.dst(), insn.src(), 0, target - i - 1));
            }
            if (insn.isImm64Load()) {
                i++;
            }
        }
        return Instructions.of("random", slots);
    }

    private static Instruction randomInstruction(Random random, int remaining) {
        int opcode = random.nextInt(256);
        int dst = random.nextInt(11);
        int src = random.nextInt(11);
        int off = switch (random.nextInt(4)) {
            case 0 -> random.nextInt(3) - 1;
            case 1 -> random.nextInt(remaining + 2) - 1;
            case 2 -> -8 * (1 + random.nextInt(64));
            default -> random.nextInt(64) - 32;
        };
        int imm = switch (random.nextInt(5)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextInt(64);
            case 2 -> HELPERS[random.nextInt(HELPERS.length)];
            case 3 -> new int[] {16, 32, 64, 1, 0x01, 0xe1, 0xf1, 0x41, -1, Integer.MIN_VALUE}[random.nextInt(10)];
            default -> random.nextInt(5) - 2;
        };
        if (opcode == 0x18) {
            src = random.nextInt(3) == 0 ? new int[] {1, 2, 4, 5}[random.nextInt(4)] : 0;
            imm = src == 0 ? imm : src == 4 ? random.nextInt(remaining + 1) : random.nextInt(5);
        }
        if ((opcode == 0x85 || opcode == 0x8d) && random.nextBoolean()) {
            src = random.nextBoolean() ? 1 : 0;
            imm = src == 1 ? random.nextInt(remaining + 2) - 1 : HELPERS[random.nextInt(HELPERS.length)];
        }
        if ((opcode & 0xf0) == 0xb0 && random.nextBoolean()) {
            off = new int[] {8, 16, 32}[random.nextInt(3)];
        }
        if (((opcode & 0xf0) == 0x30 || (opcode & 0xf0) == 0x90) && random.nextBoolean()) {
            off = 1;
        }
        return Instruction.of(opcode, dst, src, off, imm);
    }
}
