package dev.wbpf.core.insn;

/**
 * The numeric vocabulary of RFC 9669: an opcode byte is a class (low 3 bits) plus either
 * operation + source (arithmetic and jump classes) or mode + size (load and store classes).
 * Names follow the RFC and the kernel's {@code BPF_*} macros without the prefix.
 */
public final class Opcodes {
    private Opcodes() {}

    // Instruction classes (opcode & 0x07).
    public static final int LD = 0x00;
    public static final int LDX = 0x01;
    public static final int ST = 0x02;
    public static final int STX = 0x03;
    public static final int ALU = 0x04;
    public static final int JMP = 0x05;
    public static final int JMP32 = 0x06;
    public static final int ALU64 = 0x07;

    // Load/store sizes (opcode & 0x18).
    public static final int W = 0x00;
    public static final int H = 0x08;
    public static final int B = 0x10;
    public static final int DW = 0x18;

    // Load/store modes (opcode & 0xe0).
    public static final int IMM = 0x00;
    public static final int ABS = 0x20;
    public static final int IND = 0x40;
    public static final int MEM = 0x60;
    public static final int MEMSX = 0x80;
    public static final int ATOMIC = 0xc0;

    // Source operand of arithmetic and jumps (opcode & 0x08): immediate or register.
    public static final int K = 0x00;
    public static final int X = 0x08;
    /** For END in class ALU, the source bit selects the byte order instead. */
    public static final int TO_LE = 0x00;
    public static final int TO_BE = 0x08;

    // Arithmetic operations (opcode & 0xf0). DIV/MOD with offset 1 are signed; MOV with
    // offset 8/16/32 sign-extends (MOVSX).
    public static final int ADD = 0x00;
    public static final int SUB = 0x10;
    public static final int MUL = 0x20;
    public static final int DIV = 0x30;
    public static final int OR = 0x40;
    public static final int AND = 0x50;
    public static final int LSH = 0x60;
    public static final int RSH = 0x70;
    public static final int NEG = 0x80;
    public static final int MOD = 0x90;
    public static final int XOR = 0xa0;
    public static final int MOV = 0xb0;
    public static final int ARSH = 0xc0;
    public static final int END = 0xd0;

    // Jump operations (opcode & 0xf0).
    public static final int JA = 0x00;
    public static final int JEQ = 0x10;
    public static final int JGT = 0x20;
    public static final int JGE = 0x30;
    public static final int JSET = 0x40;
    public static final int JNE = 0x50;
    public static final int JSGT = 0x60;
    public static final int JSGE = 0x70;
    public static final int CALL = 0x80;
    public static final int EXIT = 0x90;
    public static final int JLT = 0xa0;
    public static final int JLE = 0xb0;
    public static final int JSLT = 0xc0;
    public static final int JSLE = 0xd0;
    /**
     * Kernel extension beyond RFC 9669 (BPF_JCOND): with src 0 it is "may_goto", a jump the
     * kernel may take to bound loop iterations; clang 19 emits it for bpf_for/can_loop.
     */
    public static final int JCOND = 0xe0;

    // Atomic operations, carried in the imm field of STX|ATOMIC.
    public static final int FETCH = 0x01;
    public static final int ATOMIC_ADD = ADD;
    public static final int ATOMIC_OR = OR;
    public static final int ATOMIC_AND = AND;
    public static final int ATOMIC_XOR = XOR;
    public static final int XCHG = 0xe0 | FETCH;
    public static final int CMPXCHG = 0xf0 | FETCH;

    // Source-register values of CALL.
    public static final int CALL_HELPER = 0;
    public static final int PSEUDO_CALL = 1;
    public static final int PSEUDO_KFUNC_CALL = 2;

    // Source-register values of the 64-bit immediate load (see Imm64Kind).
    public static final int PSEUDO_MAP_FD = 1;
    public static final int PSEUDO_MAP_VALUE = 2;
    public static final int PSEUDO_BTF_ID = 3;
    public static final int PSEUDO_FUNC = 4;
    public static final int PSEUDO_MAP_IDX = 5;
    public static final int PSEUDO_MAP_IDX_VALUE = 6;

    // Whole opcodes that code often tests for.
    /** LD | IMM | DW: the only instruction that takes two slots. */
    public static final int LDDW = LD | IMM | DW;
    public static final int CALL_OPCODE = JMP | CALL | K;
    public static final int CALLX_OPCODE = JMP | CALL | X;
    public static final int EXIT_OPCODE = JMP | EXIT;
    public static final int JA_OPCODE = JMP | JA;
    /** JMP32 | JA: "gotol", whose 32-bit displacement is in imm rather than offset. */
    public static final int GOTOL_OPCODE = JMP32 | JA;

    public static int instructionClass(int opcode) {
        return opcode & 0x07;
    }

    public static int operation(int opcode) {
        return opcode & 0xf0;
    }

    public static int source(int opcode) {
        return opcode & 0x08;
    }

    public static int size(int opcode) {
        return opcode & 0x18;
    }

    public static int mode(int opcode) {
        return opcode & 0xe0;
    }

    /** Bytes moved by a load/store of the given size bits. */
    public static int sizeInBytes(int opcode) {
        return switch (size(opcode)) {
            case W -> 4;
            case H -> 2;
            case B -> 1;
            default -> 8;
        };
    }

    public static boolean isAlu(int opcode) {
        int cls = instructionClass(opcode);
        return cls == ALU || cls == ALU64;
    }

    public static boolean isJump(int opcode) {
        int cls = instructionClass(opcode);
        return cls == JMP || cls == JMP32;
    }
}
