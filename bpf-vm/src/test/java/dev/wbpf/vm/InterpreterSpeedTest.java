package dev.wbpf.vm;

import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Prints ns per BPF instruction on ALU-heavy code (xorshift/FNV mixing loop, the shape of the
 * performance page's "ALU loop"). No timed assertion: the machine is noisy; the number is for
 * people (target: at most ubpf's ~4.5 ns/insn).
 */
class InterpreterSpeedTest {
    /** 1000 rounds of xorshift64 + FNV-1a style mixing; 11 instructions per round. */
    static Asm aluLoop(int rounds) {
        return asm()
                .lddw(0, 0xcbf2_9ce4_8422_2325L)   // 0-1 hash
                .mov64Imm(1, 88172645)             // 2 x
                .mov64Imm(2, rounds)               // 3 counter
                .mov64Reg(3, 1)                    // 4: loop: t = x
                .alu64Imm(0x60, 3, 13)             // 5 t <<= 13
                .alu64Reg(0xa0, 1, 3)              // 6 x ^= t
                .mov64Reg(3, 1)                    // 7
                .alu64Imm(0x70, 3, 7)              // 8 t >>= 7
                .alu64Reg(0xa0, 1, 3)              // 9 x ^= t
                .alu64Reg(0xa0, 0, 1)              // 10 h ^= x
                .alu64Imm(0x20, 0, 0x0100_0193)    // 11 h *= FNV prime
                .alu32Imm(0x00, 4, 1)              // 12 a 32-bit op for good measure
                .add64Imm(2, -1)                   // 13
                .jmpImm(0x50, 2, 0, -11)           // 14 if counter != 0 goto 4
                .exit();                           // 15
    }

    @Test void aluLoopNanosecondsPerInstruction() {
        int rounds = 1000;
        VmProgram program = Vm.program(aluLoop(rounds));
        Interpreter machine = new Interpreter(program);
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        long instructionsPerRun = 4 + 11L * rounds + 1;
        long reference = machine.execute(ctx);
        for (int i = 0; i < 3_000; i++) { // warm up the JIT
            assertEquals(reference, machine.execute(ctx));
        }
        double best = Double.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            int runs = 2_000;
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                machine.execute(ctx);
            }
            double nsPerInsn = (System.nanoTime() - start) / (double) (runs * instructionsPerRun);
            best = Math.min(best, nsPerInsn);
        }
        System.out.printf("interpreter ALU loop: %d insns/run, best %.2f ns/insn (%.0f ns/run)%n",
                instructionsPerRun, best, best * instructionsPerRun);
    }

    @Test void loadStoreLoopNanosecondsPerInstruction() {
        // sum over a 1500-byte packet, 8 bytes at a time: loads dominate
        byte[] packet = new byte[1504];
        for (int i = 0; i < packet.length; i++) {
            packet[i] = (byte) i;
        }
        Asm p = asm().mov64Imm(0, 0).mov64Imm(3, 188)
                .ldxdw(4, 1, 0).add64Reg(0, 4).add64Imm(1, 8).add64Imm(3, -1).jmpImm(0x50, 3, 0, -5).exit();
        VmProgram program = Vm.program(p);
        Interpreter machine = new Interpreter(program);
        ExecutionContext ctx = new ExecutionContext(0, Vm.quietEnvironment());
        long pointer = ctx.addMemory("packet", packet, false);
        ctx.setArgument(1, pointer);
        long instructionsPerRun = 2 + 5L * 188 + 1;
        for (int i = 0; i < 5_000; i++) {
            machine.execute(ctx);
        }
        double best = Double.MAX_VALUE;
        for (int trial = 0; trial < 5; trial++) {
            int runs = 5_000;
            long start = System.nanoTime();
            for (int i = 0; i < runs; i++) {
                machine.execute(ctx);
            }
            best = Math.min(best, (System.nanoTime() - start) / (double) (runs * instructionsPerRun));
        }
        System.out.printf("interpreter load loop: %d insns/run, best %.2f ns/insn (%.0f ns/run)%n",
                instructionsPerRun, best, best * instructionsPerRun);
    }
}
