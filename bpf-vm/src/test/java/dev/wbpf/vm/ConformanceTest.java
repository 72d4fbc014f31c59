package dev.wbpf.vm;

import static dev.wbpf.vm.Asm.asm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One test per instruction and corner case of RFC 9669, each checking r0. Groups follow the
 * RFC's conformance groups (base32, base64, divmul32, divmul64, atomic32, atomic64, packet, callx).
 */
class ConformanceTest {
    static final int ADD = 0x00, SUB = 0x10, MUL = 0x20, DIV = 0x30, OR = 0x40, AND = 0x50, LSH = 0x60, RSH = 0x70,
            NEG = 0x80, MOD = 0x90, XOR = 0xa0, MOV = 0xb0, ARSH = 0xc0;
    static final int W = 0x00, H = 0x08, B = 0x10, DW = 0x18;

    @Nested
    class Base64 {
        @Test void addWrapsAndSignExtendsImmediate() {
            assertEquals(-1L, Vm.run(asm().mov64Imm(0, 1).add64Imm(0, -2).exit()));
        }
        @Test void subMulOrAndXor() {
            assertEquals(0x1_0000_0000L, Vm.run(asm().mov64Imm(0, 0x10000).alu64Imm(MUL, 0, 0x10000).exit()));
            assertEquals(-3L, Vm.run(asm().mov64Imm(0, 2).alu64Imm(SUB, 0, 5).exit()));
            assertEquals(0xf0fL, Vm.run(asm().mov64Imm(0, 0xf00).mov64Imm(1, 0x00f).alu64Reg(OR, 0, 1).exit()));
            assertEquals(0x0f0L, Vm.run(asm().mov64Imm(0, 0xff0).alu64Imm(AND, 0, 0x0ff).exit()));
            assertEquals(0xffff_ffff_ffff_ff00L, Vm.run(asm().mov64Imm(0, 0xff).alu64Imm(XOR, 0, -1).exit()));
        }
        @Test void movImmediateSignExtends() {
            assertEquals(-1L, Vm.run(asm().mov64Imm(0, -1).exit()));
        }
        @Test void neg() {
            assertEquals(-5L, Vm.run(asm().mov64Imm(0, 5).raw(0x87, 0, 0, 0, 0).exit()));
        }
        @Test void shiftAmountsAreMaskedTo6Bits() {
            assertEquals(2L, Vm.run(asm().mov64Imm(0, 1).mov64Imm(1, 65).alu64Reg(LSH, 0, 1).exit()));
            assertEquals(1L, Vm.run(asm().lddw(0, 0x8000_0000_0000_0000L).mov64Imm(1, 127).alu64Reg(RSH, 0, 1).exit()));
        }
        @Test void rshIsLogicalArshIsArithmetic() {
            assertEquals(1L, Vm.run(asm().lddw(0, Long.MIN_VALUE).alu64Imm(RSH, 0, 63).exit()));
            assertEquals(-1L, Vm.run(asm().lddw(0, Long.MIN_VALUE).alu64Imm(ARSH, 0, 63).exit()));
        }
        @Test void lddwLoadsAll64Bits() {
            assertEquals(0x1122_3344_5566_7788L, Vm.run(asm().lddw(0, 0x1122_3344_5566_7788L).exit()));
        }
        @ParameterizedTest(name = "movsx64 from {0} bits")
        @CsvSource({"8, 0x80, -128", "16, 0x8000, -32768", "32, 0x80000000, -2147483648", "8, 0x7f, 127"})
        void movsx64(int bits, String value, long expected) {
            assertEquals(expected, Vm.run(asm().lddw(1, Long.decode(value)).movsx64(0, 1, bits).exit()));
        }
        @Test void bswap64Class() {
            long v = 0x1122_3344_5566_7788L;
            assertEquals(0x8877L, Vm.run(asm().lddw(0, v).bswap(0, 16).exit()));
            assertEquals(0x8877_6655L, Vm.run(asm().lddw(0, v).bswap(0, 32).exit()));
            assertEquals(0x8877_6655_4433_2211L, Vm.run(asm().lddw(0, v).bswap(0, 64).exit()));
        }
    }

    @Nested
    class Base32 {
        @Test void everyResultIsZeroExtended() {
            assertEquals(1L, Vm.run(asm().lddw(0, 0xffff_ffff_0000_0001L).alu32Imm(ADD, 0, 0).exit()));
            assertEquals(1L, Vm.run(asm().mov32Imm(0, -1).alu32Imm(ADD, 0, 2).exit()));
            assertEquals(0L, Vm.run(asm().mov64Imm(0, 0x10000).alu32Imm(MUL, 0, 0x10000).exit()));
            assertEquals(0xffff_fffdL, Vm.run(asm().mov64Imm(0, 2).alu32Imm(SUB, 0, 5).exit()));
            assertEquals(0xffff_ff00L, Vm.run(asm().mov64Imm(0, 0xff).alu32Imm(XOR, 0, -1).exit()));
            assertEquals(0xffL, Vm.run(asm().mov64Imm(0, -1).alu32Imm(AND, 0, 0xff).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().mov64Imm(0, 0).alu32Imm(OR, 0, -1).exit()));
        }
        @Test void movZeroExtends() {
            assertEquals(0xffff_ffffL, Vm.run(asm().mov32Imm(0, -1).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().lddw(1, 0x1_ffff_ffffL).mov32Reg(0, 1).exit()));
        }
        @Test void neg32() {
            assertEquals(0xffff_fffbL, Vm.run(asm().mov64Imm(0, 5).raw(0x84, 0, 0, 0, 0).exit()));
        }
        @Test void shiftAmountsAreMaskedTo5Bits() {
            assertEquals(2L, Vm.run(asm().mov64Imm(0, 1).mov64Imm(1, 33).alu32Reg(LSH, 0, 1).exit()));
            assertEquals(0x0800_0000L, Vm.run(asm().lddw(0, 0xffff_ffff_8000_0000L).alu32Imm(RSH, 0, 4).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().mov32Imm(0, 0x8000_0000).alu32Imm(ARSH, 0, 31).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().mov32Imm(0, 0x8000_0000).mov64Imm(1, 63).alu32Reg(ARSH, 0, 1).exit()));
        }
        @ParameterizedTest(name = "movsx32 from {0} bits")
        @CsvSource({"8, 0x80, 0xffffff80", "16, 0x8000, 0xffff8000", "8, 0x17f, 0x7f"})
        void movsx32ZeroExtendsTheSignExtended32Bits(int bits, String value, String expected) {
            assertEquals(Long.decode(expected), Vm.run(asm().lddw(1, Long.decode(value)).movsx32(0, 1, bits).exit()));
        }
        @Test void endianness() {
            long v = 0x1122_3344_5566_7788L;
            assertEquals(0x8877L, Vm.run(asm().lddw(0, v).be(0, 16).exit()));
            assertEquals(0x8877_6655L, Vm.run(asm().lddw(0, v).be(0, 32).exit()));
            assertEquals(0x8877_6655_4433_2211L, Vm.run(asm().lddw(0, v).be(0, 64).exit()));
            assertEquals(0x7788L, Vm.run(asm().lddw(0, v).le(0, 16).exit()));
            assertEquals(0x5566_7788L, Vm.run(asm().lddw(0, v).le(0, 32).exit()));
            assertEquals(v, Vm.run(asm().lddw(0, v).le(0, 64).exit()));
        }
    }

    @Nested
    class DivMul64 {
        @Test void divisionByZeroGivesZero() {
            assertEquals(0L, Vm.run(asm().mov64Imm(0, 5).mov64Imm(1, 0).alu64Reg(DIV, 0, 1).exit()));
            assertEquals(0L, Vm.run(asm().mov64Imm(0, 5).mov64Imm(1, 0).sdiv64Reg(0, 1).exit()));
        }
        @Test void moduloByZeroLeavesDst() {
            assertEquals(0x1_0000_0005L, Vm.run(asm().lddw(0, 0x1_0000_0005L).mov64Imm(1, 0).alu64Reg(MOD, 0, 1).exit()));
            assertEquals(-7L, Vm.run(asm().mov64Imm(0, -7).mov64Imm(1, 0).smod64Reg(0, 1).exit()));
        }
        @Test void unsignedDivisionAndSignExtendedImmediate() {
            assertEquals(Long.MAX_VALUE, Vm.run(asm().mov64Imm(0, -1).alu64Imm(DIV, 0, 2).exit()));
            assertEquals(1L, Vm.run(asm().mov64Imm(0, -1).alu64Imm(DIV, 0, -1).exit()));
            assertEquals(3L, Vm.run(asm().mov64Imm(0, -1).alu64Imm(MOD, 0, 6).exit())); // 2^64-1 = 6*k + 3
        }
        @Test void signedDivisionTruncatesTowardZero() {
            assertEquals(-3L, Vm.run(asm().mov64Imm(0, -7).mov64Imm(1, 2).sdiv64Reg(0, 1).exit()));
            assertEquals(-3L, Vm.run(asm().mov64Imm(0, -7).raw(0x37, 0, 0, 1, 2).exit()));
        }
        @Test void signedModuloHasTheSignOfTheDividend() {
            assertEquals(-1L, Vm.run(asm().mov64Imm(0, -7).mov64Imm(1, 2).smod64Reg(0, 1).exit()));
            assertEquals(1L, Vm.run(asm().mov64Imm(0, 7).mov64Imm(1, -2).smod64Reg(0, 1).exit()));
            assertEquals(-1L, Vm.run(asm().mov64Imm(0, -7).raw(0x97, 0, 0, 1, -2).exit()));
        }
        @Test void intMinByMinusOneDoesNotTrap() {
            assertEquals(Long.MIN_VALUE, Vm.run(asm().lddw(0, Long.MIN_VALUE).mov64Imm(1, -1).sdiv64Reg(0, 1).exit()));
            assertEquals(0L, Vm.run(asm().lddw(0, Long.MIN_VALUE).mov64Imm(1, -1).smod64Reg(0, 1).exit()));
        }
        @Test void mul() {
            assertEquals(-6L, Vm.run(asm().mov64Imm(0, 3).alu64Imm(MUL, 0, -2).exit()));
        }
    }

    @Nested
    class DivMul32 {
        @Test void divisionByZeroGivesZero() {
            assertEquals(0L, Vm.run(asm().lddw(0, 0x1_0000_0005L).mov64Imm(1, 0).alu32Reg(DIV, 0, 1).exit()));
            assertEquals(0L, Vm.run(asm().lddw(0, 0x1_0000_0005L).alu32Imm(DIV, 0, 0).exit()));
        }
        @Test void moduloByZeroLeavesDstZeroExtended() {
            assertEquals(5L, Vm.run(asm().lddw(0, 0x1_0000_0005L).mov64Imm(1, 0).alu32Reg(MOD, 0, 1).exit()));
            assertEquals(0xffff_fff9L, Vm.run(asm().lddw(0, 0x1_ffff_fff9L).mov64Imm(1, 0).smod32Reg(0, 1).exit()));
        }
        @Test void unsignedUsesLow32BitsOnly() {
            assertEquals(0x7fff_ffffL, Vm.run(asm().mov32Imm(0, -1).alu32Imm(DIV, 0, 2).exit()));
            assertEquals(2L, Vm.run(asm().lddw(0, 0x1_0000_0004L).lddw(1, 0x1_0000_0002L).alu32Reg(DIV, 0, 1).exit()));
        }
        @Test void signed() {
            assertEquals(0xffff_fffdL, Vm.run(asm().mov32Imm(0, -7).mov32Imm(1, 2).sdiv32Reg(0, 1).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().mov32Imm(0, -7).mov32Imm(1, 2).smod32Reg(0, 1).exit()));
            assertEquals(1L, Vm.run(asm().mov32Imm(0, 7).mov32Imm(1, -2).smod32Reg(0, 1).exit()));
        }
        @Test void intMinByMinusOneDoesNotTrap() {
            assertEquals(0x8000_0000L, Vm.run(asm().mov32Imm(0, 0x8000_0000).mov32Imm(1, -1).sdiv32Reg(0, 1).exit()));
            assertEquals(0L, Vm.run(asm().mov32Imm(0, 0x8000_0000).mov32Imm(1, -1).smod32Reg(0, 1).exit()));
        }
    }

    @Nested
    class LoadStore {
        @Test void storeAndLoadEverySizeOnTheStack() {
            assertEquals(-1L, Vm.run(asm().stdw(10, -8, -1).ldxdw(0, 10, -8).exit()));
            assertEquals(0x1234_5678L, Vm.run(asm().st(W, 10, -4, 0x1234_5678).ldxw(0, 10, -4).exit()));
            assertEquals(0xbeefL, Vm.run(asm().st(H, 10, -2, 0xbeef).ldxh(0, 10, -2).exit()));
            assertEquals(0xabL, Vm.run(asm().st(B, 10, -1, 0xab).ldxb(0, 10, -1).exit()));
        }
        @Test void storesTruncateAndLoadsZeroExtend() {
            assertEquals(0xffL, Vm.run(asm().mov64Imm(1, 0x1ff).stx(B, 10, 1, -1).ldxb(0, 10, -1).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().mov64Imm(1, -1).stxw(10, 1, -4).ldxw(0, 10, -4).exit()));
        }
        @Test void memoryIsLittleEndian() {
            byte[] mem = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, (byte) 0x88};
            assertEquals(0x4433_2211L, Vm.runWithMemory(asm().ldxw(0, 1, 0).exit(), mem));
            assertEquals(0x3322L, Vm.runWithMemory(asm().ldxh(0, 1, 1).exit(), mem));
            assertEquals(0x8877_6655_4433_2211L, Vm.runWithMemory(asm().ldxdw(0, 1, 0).exit(), mem));
            byte[] out = new byte[4];
            Vm.runWithMemory(asm().mov32Imm(2, 0x0102_0304).stxw(1, 2, 0).exit(), out);
            assertEquals("04030201", java.util.HexFormat.of().formatHex(out));
        }
        @Test void signExtendingLoads() {
            assertEquals(-128L, Vm.run(asm().st(B, 10, -1, 0x80).ldsx(B, 0, 10, -1).exit()));
            assertEquals(-32768L, Vm.run(asm().st(H, 10, -2, 0x8000).ldsx(H, 0, 10, -2).exit()));
            assertEquals(0xffff_ffff_8000_0000L, Vm.run(asm().st(W, 10, -4, 0x8000_0000).ldsx(W, 0, 10, -4).exit()));
        }
        @Test void storeImmediateDoublewordSignExtends() {
            assertEquals(-2L, Vm.run(asm().stdw(10, -8, -2).ldxdw(0, 10, -8).exit()));
        }
    }

    @Nested
    class Jumps {
        /** r0 = 1 if the jump is taken. */
        private long taken(int opcode, long a, long b, boolean immediate, boolean jmp32) {
            Asm p = asm().mov64Imm(0, 0).lddw(1, a).lddw(2, b);
            if (immediate) {
                p = jmp32 ? p.jmp32Imm(opcode, 1, (int) b, 1) : p.jmpImm(opcode, 1, (int) b, 1);
            } else {
                p = jmp32 ? p.jmp32Reg(opcode, 1, 2, 1) : p.jmpReg(opcode, 1, 2, 1);
            }
            return Vm.run(p.exit().mov64Imm(0, 1).exit());
        }

        @ParameterizedTest(name = "jmp op {0}: {1} vs {2} -> {3}")
        @CsvSource({
                "0x10, 5, 5, 1", "0x10, 5, 6, 0",
                "0x50, 5, 6, 1", "0x50, 5, 5, 0",
                "0x20, -1, 1, 1", "0x20, 1, 1, 0",
                "0x30, 1, 1, 1", "0x30, 0, 1, 0",
                "0xa0, 1, -1, 1", "0xa0, -1, 1, 0",
                "0xb0, 1, 1, 1", "0xb0, 2, 1, 0",
                "0x40, 6, 2, 1", "0x40, 4, 2, 0",
                "0x60, 1, -1, 1", "0x60, -1, 1, 0",
                "0x70, -1, -1, 1", "0x70, -2, -1, 0",
                "0xc0, -1, 1, 1", "0xc0, 1, -1, 0",
                "0xd0, -1, -1, 1", "0xd0, 0, -1, 0"})
        void jmp64RegisterAndImmediate(String op, long a, long b, long expected) {
            int opcode = Integer.decode(op);
            assertEquals(expected, taken(opcode, a, b, false, false), "register form");
            assertEquals(expected, taken(opcode, a, b, true, false), "immediate form");
        }

        @ParameterizedTest(name = "jmp32 op {0}: {1} vs {2} -> {3}")
        @CsvSource({
                "0x10, 0x100000005, 5, 1", "0x50, 0x100000005, 5, 0",
                "0x20, 0xffffffff, 1, 1", "0x60, 0xffffffff, 1, 0",
                "0x60, 0x7fffffff, 0x80000000, 1",
                "0x30, 0x200000001, 1, 1", "0xa0, 0x200000000, 1, 1",
                "0xb0, 1, 1, 1", "0x70, 0x80000000, 0x80000000, 1",
                "0xc0, 0x80000000, 0, 1", "0xd0, 0x100000000, 0, 1",
                "0x40, 0x100000000, 0x100000000, 0", "0x40, 3, 1, 1"})
        void jmp32ComparesLow32Bits(String op, String a, String b, long expected) {
            int opcode = Integer.decode(op);
            assertEquals(expected, taken(opcode, Long.decode(a), Long.decode(b), false, true), "register form");
            assertEquals(expected, taken(opcode, Long.decode(a), Long.decode(b), true, true), "immediate form");
        }

        @Test void immediateIsSignExtendedFor64BitCompares() {
            assertEquals(1L, Vm.run(asm().mov64Imm(0, 0).mov64Imm(1, -1).jmpImm(0x10, 1, -1, 1).exit().mov64Imm(0, 1).exit()));
            assertEquals(0L, Vm.run(asm().mov64Imm(0, 0).lddw(1, 0xffff_ffffL).jmpImm(0x10, 1, -1, 1).exit().mov64Imm(0, 1).exit()));
        }

        @Test void jaAndGotol() {
            assertEquals(2L, Vm.run(asm().mov64Imm(0, 2).ja(1).mov64Imm(0, 3).exit()));
            assertEquals(2L, Vm.run(asm().mov64Imm(0, 2).gotol(1).mov64Imm(0, 3).exit()));
            assertEquals(5L, Vm.run(asm().mov64Imm(0, 0).ja(2).exit().ja(2).add64Imm(0, 5).ja(-4).exit()));
        }

        @Test void backwardLoop() {
            // r0 = sum 1..10
            assertEquals(55L, Vm.run(asm().mov64Imm(0, 0).mov64Imm(1, 10)
                    .add64Reg(0, 1).add64Imm(1, -1).jmpImm(0x50, 1, 0, -3).exit()));
        }
    }

    @Nested
    class Calls {
        @Test void localCallPreservesCalleeSavedRegisters() {
            Asm p = asm()
                    .mov64Imm(6, 10)        // 0
                    .mov64Imm(1, 5)         // 1
                    .callLocal(3)           // 2 -> 6
                    .add64Reg(0, 6)         // 3
                    .exit()                 // 4
                    .exit()                 // 5
                    .mov64Imm(6, 99)        // 6: clobber callee-saved r6
                    .mov64Reg(0, 1)         // 7
                    .add64Imm(0, 1)         // 8
                    .exit();                // 9
            assertEquals(16L, Vm.run(p));
        }

        @Test void everyFrameHasItsOwnStackAndCanReachTheCallersStack() {
            Asm p = asm()
                    .stdw(10, -8, 0x1111)   // 0
                    .mov64Reg(1, 10)        // 1
                    .add64Imm(1, -8)        // 2: r1 = &caller's slot
                    .callLocal(3)           // 3 -> 7
                    .ldxdw(1, 10, -8)       // 4: caller's slot, written by callee through r1
                    .add64Reg(0, 1)         // 5
                    .exit()                 // 6
                    .stdw(10, -8, 0x2222)   // 7: callee's own slot
                    .ldxdw(0, 10, -8)       // 8
                    .stdw(1, 0, 0x3333)     // 9: write through the caller's pointer
                    .exit();                // 10
            assertEquals(0x2222L + 0x3333L, Vm.run(p));
        }

        @Test void recursionBeyondEightFramesIsRefused() {
            Asm p = asm().callLocal(1).exit().callLocal(-1).exit();
            CallDepthExceeded e = assertThrows(CallDepthExceeded.class, () -> Vm.run(p));
            assertTrue(e.getMessage().contains("8 frames"), e.getMessage());
        }

        /** f(n) = n == 0 ? 0 : f(n - 1) + 1, called from main: f(6) needs 8 frames, f(7) needs 9. */
        private Asm nested(int n) {
            return asm()
                    .mov64Imm(1, n)                 // 0
                    .callLocal(1)                   // 1 -> 3
                    .exit()                         // 2
                    .jmpImm(0x10, 1, 0, 3)          // 3: if r1 == 0 goto 7
                    .add64Imm(1, -1)                // 4
                    .callLocal(-3)                  // 5 -> 3
                    .add64Imm(0, 1)                 // 6
                    .exit();                        // 7
        }

        @Test void eightFramesAreAllowedNineAreNot() {
            assertEquals(6L, Vm.run(nested(6)));
            assertThrows(CallDepthExceeded.class, () -> Vm.run(nested(7)));
        }

        @Test void callxThroughAFunctionPointer() {
            Asm p = asm()
                    .lddwPseudo(2, 4, 4, 0) // 0-1: r2 = &func at 0+1+4 = 5 (relative to the first slot)
                    .mov64Imm(1, 41)        // 2
                    .callx(2)               // 3
                    .exit()                 // 4
                    .mov64Reg(0, 1)         // 5
                    .add64Imm(0, 1)         // 6
                    .exit();                // 7
            assertEquals(42L, Vm.run(p));
        }

        /** RFC 9669's reading of callx: a register that holds no function pointer holds a helper's number. */
        @Test void callxToAHelperNumberCallsThatHelper() {
            // bpf_ktime_get_ns (5): r0 is the clock, then r6..r9 survive the call as after any helper call
            Asm p = asm().mov64Imm(6, 7).mov64Imm(2, 5).callx(2)
                    .jmpImm(0x20, 0, 0, 1)  // if r0 > 0 skip the next
                    .exit()
                    .mov64Reg(0, 6).exit();
            assertEquals(7L, Vm.run(p));
        }

        @Test void callxToANumberThatIsNoHelperOrToNothingIsRefused() {
            HelperFault unknown = assertThrows(HelperFault.class, () -> Vm.run(asm().mov64Imm(2, 99_999).callx(2).exit()));
            assertTrue(unknown.getMessage().startsWith("insn 1: unknown helper"), unknown.getMessage());
            HelperFault zero = assertThrows(HelperFault.class, () -> Vm.run(asm().mov64Imm(2, 0).callx(2).exit()));
            assertTrue(zero.getMessage().contains("neither a function of the program nor a helper number"), zero.getMessage());
        }
    }

    @Nested
    class Atomics {
        @Test void add64WithAndWithoutFetch() {
            assertEquals(8L, Vm.run(asm().stdw(10, -8, 5).mov64Imm(1, 3).atomic64(10, 1, -8, 0x00).ldxdw(0, 10, -8).exit()));
            assertEquals(5L, Vm.run(asm().stdw(10, -8, 5).mov64Imm(1, 3).atomic64(10, 1, -8, 0x01).mov64Reg(0, 1).exit()));
        }
        @Test void orAndXorFetch() {
            assertEquals(0x0e0cL, Vm.run(asm().stdw(10, -8, 0x0c).mov64Imm(1, 0x02).atomic64(10, 1, -8, 0x41)
                    .ldxdw(0, 10, -8).alu64Imm(LSH, 0, 8).alu64Reg(OR, 0, 1).exit()));
            assertEquals(0x08L, Vm.run(asm().stdw(10, -8, 0x0c).mov64Imm(1, 0x0a).atomic64(10, 1, -8, 0x50).ldxdw(0, 10, -8).exit()));
            assertEquals(0x06L, Vm.run(asm().stdw(10, -8, 0x0c).mov64Imm(1, 0x0a).atomic64(10, 1, -8, 0xa0).ldxdw(0, 10, -8).exit()));
            assertEquals(0x0cL, Vm.run(asm().stdw(10, -8, 0x0c).mov64Imm(1, 0x0a).atomic64(10, 1, -8, 0xa1).mov64Reg(0, 1).exit()));
        }
        @Test void xchg() {
            assertEquals(0x5_0009L, Vm.run(asm().stdw(10, -8, 5).mov64Imm(1, 9).atomic64(10, 1, -8, 0xe1)
                    .ldxdw(0, 10, -8).alu64Imm(LSH, 1, 16).add64Reg(0, 1).exit()));
        }
        @Test void cmpxchgComparesWithR0() {
            // match: memory becomes 9, r0 = old 5
            assertEquals(9L * 100 + 5, Vm.run(asm().stdw(10, -8, 5).mov64Imm(0, 5).mov64Imm(1, 9).atomic64(10, 1, -8, 0xf1)
                    .ldxdw(2, 10, -8).alu64Imm(MUL, 2, 100).add64Reg(0, 2).exit()));
            // mismatch: memory stays 5, r0 = 5
            assertEquals(5L * 100 + 5, Vm.run(asm().stdw(10, -8, 5).mov64Imm(0, 4).mov64Imm(1, 9).atomic64(10, 1, -8, 0xf1)
                    .ldxdw(2, 10, -8).alu64Imm(MUL, 2, 100).add64Reg(0, 2).exit()));
        }
        @Test void atomic32WrapsAndZeroExtendsFetchedValue() {
            assertEquals(0xffff_ffffL, Vm.run(asm().st(W, 10, -4, -1).mov64Imm(1, 1).atomic32(10, 1, -4, 0x01).mov64Reg(0, 1).exit()));
            assertEquals(0L, Vm.run(asm().st(W, 10, -4, -1).mov64Imm(1, 1).atomic32(10, 1, -4, 0x00).ldxw(0, 10, -4).exit()));
            assertEquals(0xffff_ffffL, Vm.run(asm().st(W, 10, -4, -1).mov64Imm(0, -1).mov64Imm(1, 7).atomic32(10, 1, -4, 0xf1).exit()));
            assertEquals(7L, Vm.run(asm().st(W, 10, -4, -1).mov64Imm(0, -1).mov64Imm(1, 7).atomic32(10, 1, -4, 0xf1).ldxw(0, 10, -4).exit()));
        }
        @Test void misalignedAtomicFaults() {
            MemoryFault e = assertThrows(MemoryFault.class, () -> Vm.run(asm().mov64Imm(1, 1).atomic64(10, 1, -12, 0).exit()));
            assertTrue(e.getMessage().contains("misaligned"), e.getMessage());
        }
    }

    @Nested
    class Packet {
        final byte[] packet = {0x00, 0x11, 0x22, 0x33, 0x44};

        @Test void ldAbsLoadsInNetworkByteOrder() {
            assertEquals(0x11L, Vm.runWithMemory(asm().ldAbs(B, 1).exit(), packet));
            assertEquals(0x1122L, Vm.runWithMemory(asm().ldAbs(H, 1).exit(), packet));
            assertEquals(0x1122_3344L, Vm.runWithMemory(asm().ldAbs(W, 1).exit(), packet));
        }
        @Test void ldIndAddsTheRegister() {
            assertEquals(0x1122_3344L, Vm.runWithMemory(asm().mov64Imm(3, 2).ldInd(W, 3, -1).exit(), packet));
            assertEquals(0x44L, Vm.runWithMemory(asm().mov64Imm(3, 4).ldInd(B, 3, 0).exit(), packet));
        }
        @Test void outOfRangeEndsTheProgramWithZero() {
            assertEquals(0L, Vm.runWithMemory(asm().mov64Imm(0, 7).ldAbs(W, 2).mov64Imm(0, 9).exit(), packet));
            assertEquals(0L, Vm.runWithMemory(asm().mov64Imm(0, 7).mov64Imm(3, -1).ldInd(B, 3, 0).mov64Imm(0, 9).exit(), packet));
        }
    }
}
