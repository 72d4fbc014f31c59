package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

import dev.wbpf.core.insn.Instruction;

/** ALU instructions: scalar range and known-bits tracking, and the pointer arithmetic the kernel allows. */
final class AluChecks {
    private final Verifier v;

    AluChecks(Verifier v) {
        this.v = v;
    }

    void alu(VerifierState st, Instruction insn) {
        int op = insn.opcode();
        boolean is64 = instructionClass(op) == ALU64;
        int operation = operation(op);
        Reg[] regs = st.regs();
        int dst = insn.dst();
        v.checkDstWritable(dst);
        if (operation == END) {
            Reg d = v.readReg(regs, dst);
            if (d.type.isPointer()) {
                throw v.error("R" + dst + " pointer arithmetic prohibited");
            }
            int width = insn.imm();
            boolean swap = is64 || source(op) == TO_BE;
            Reg r;
            if (!swap) {
                r = d.lo(width);
            } else if (d.isConst()) {
                long v = d.constValue();
                r = Reg.constant(switch (width) {
                    case 16 -> Short.reverseBytes((short) v) & 0xffffL;
                    case 32 -> Integer.reverseBytes((int) v) & 0xffff_ffffL;
                    default -> Long.reverseBytes(v);
                });
            } else {
                r = Reg.unsignedOfSize(width / 8);
            }
            regs[dst] = r;
            return;
        }
        if (operation == MOV) {
            Reg r;
            if (source(op) == X) {
                Reg s = v.readReg(regs, insn.src());
                int bits = insn.offset();
                if (bits == 0) {
                    if (is64) {
                        r = s.copy();
                    } else {
                        r = s.type.isPointer() ? Reg.unsignedOfSize(4) : s.lo32();
                    }
                } else if (s.type.isPointer()) {
                    r = is64 ? Reg.signedOfSize(bits / 8) : Reg.unsignedOfSize(4);
                } else {
                    Reg ext = s.sext(bits);
                    r = is64 ? ext : ext.lo32();
                }
            } else {
                r = Reg.constant(is64 ? (long) insn.imm() : insn.imm() & Reg.M32);
            }
            regs[dst] = r;
            return;
        }
        Reg d = v.readReg(regs, dst);
        if (operation == NEG) {
            if (d.type.isPointer()) {
                throw v.error("R" + dst + " pointer arithmetic with neg operator prohibited");
            }
            regs[dst] = d.isConst() ? Reg.constant(is64 ? -d.constValue() : (-d.constValue()) & Reg.M32)
                    : (is64 ? Reg.unknown() : Reg.unsignedOfSize(4));
            return;
        }
        Reg s;
        boolean imm = source(op) == K;
        if (imm) {
            s = Reg.constant(is64 ? (long) insn.imm() : insn.imm() & Reg.M32);
            if ((operation == DIV || operation == MOD) && insn.imm() == 0) {
                throw v.error("division by zero");
            }
            if ((operation == LSH || operation == RSH || operation == ARSH)
                    && (insn.imm() < 0 || insn.imm() >= (is64 ? 64 : 32))) {
                throw v.error("invalid shift " + insn.imm());
            }
        } else {
            s = v.readReg(regs, insn.src());
        }
        if (d.type.isPointer() || s.type.isPointer()) {
            if (!is64) {
                throw v.error("R" + dst + " 32-bit pointer arithmetic prohibited");
            }
            regs[dst] = pointerArithmetic(dst, operation, d, s, imm ? -1 : insn.src());
            return;
        }
        boolean signed = insn.offset() == 1;
        Reg r;
        if (is64) {
            r = Scalars.alu(operation, d, s, signed);
        } else {
            if (operation == ARSH) {
                r = Scalars.alu(operation, d.sext32(), s.lo32(), false).lo32();
            } else if (signed && (operation == DIV || operation == MOD)) {
                r = d.isConst() && s.isConst() ? Reg.constant(Scalars.signed32(operation, (int) d.constValue(), (int) s.constValue()))
                        : Reg.unsignedOfSize(4);
            } else {
                r = Scalars.alu(operation, d.lo32(), s.lo32(), false).lo32();
            }
        }
        regs[dst] = r;
    }

    Reg pointerArithmetic(int dst, int operation, Reg d, Reg s, int srcno) {
        String opName = switch (operation) {
            case ADD -> "+=";
            case SUB -> "-=";
            case MUL -> "*=";
            case DIV -> "/=";
            case MOD -> "%=";
            case OR -> "|=";
            case AND -> "&=";
            case XOR -> "^=";
            case LSH -> "<<=";
            case RSH -> ">>=";
            case ARSH -> "s>>=";
            default -> "?";
        };
        if (operation != ADD && operation != SUB) {
            if (operation == AND || operation == OR || operation == XOR) {
                throw v.error("R" + dst + " bitwise operator " + opName + " on pointer prohibited");
            }
            throw v.error("R" + dst + " pointer arithmetic with " + opName + " operator prohibited");
        }
        if (d.type.isPointer() && s.type.isPointer()) {
            if (operation == SUB && !d.type.isOrNull() && !s.type.isOrNull()) {
                return Reg.unknown(); // a distance (as the kernel allows privileged programs)
            }
            throw v.error("R" + dst + " pointer " + opName + " pointer prohibited");
        }
        Reg ptr;
        Reg scalar;
        if (d.type.isPointer()) {
            ptr = d;
            scalar = s;
        } else {
            if (operation == SUB) {
                throw v.error("R" + dst + " tried to subtract pointer from scalar");
            }
            ptr = s;
            scalar = d;
        }
        int ptrReg = ptr == d ? dst : srcno;
        if (ptr.type.isOrNull()) {
            throw v.error("R" + ptrReg + " pointer arithmetic on " + ptr.type.logName + " prohibited, null-check it first");
        }
        if (ptr.type == RegType.PTR_TO_PACKET_END || ptr.type == RegType.CONST_PTR_TO_MAP || ptr.type == RegType.PTR_TO_FUNC) {
            throw v.error("R" + ptrReg + " pointer arithmetic on " + ptr.type.logName + " prohibited");
        }
        Reg r = ptr.copy();
        if (scalar.isConst()) {
            long c = scalar.constValue();
            long off = operation == ADD ? (long) r.off + c : (long) r.off - c;
            if (off <= -Verifier.MAX_OFF || off >= Verifier.MAX_OFF) {
                throw v.error("value " + c + " makes " + ptr.type.logName + " pointer be out of bounds");
            }
            r.off = (int) off;
            return r;
        }
        if (scalar.smin <= -Verifier.MAX_OFF) {
            throw v.error("math between " + ptr.type.logName + " pointer and register with unbounded min value is not allowed");
        }
        if (scalar.smax >= Verifier.MAX_OFF) {
            throw v.error("math between " + ptr.type.logName + " pointer and register with unbounded max value is not allowed");
        }
        Reg var = Scalars.alu(operation, ptr, scalar, false);
        r.smin = var.smin;
        r.smax = var.smax;
        r.umin = var.umin;
        r.umax = var.umax;
        r.tnum = var.tnum;
        if (r.smin <= -Verifier.MAX_OFF || r.smax >= Verifier.MAX_OFF) {
            throw v.error("R" + dst + " pointer offset out of bounds after " + opName + " of a variable");
        }
        if (r.type.isPacket()) {
            r.id = v.newId();
            r.range = 0;
        }
        return r;
    }

    // ---- memory ----
}
