package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

import dev.wbpf.core.insn.Instruction;

/** Conditional jumps: both outcomes explored with the ranges each implies, null checks of maybe-null pointers, and packet bounds learnt from {@code data + n <= data_end}. */
final class BranchChecks {
    private final Verifier v;

    BranchChecks(Verifier v) {
        this.v = v;
    }

    private static final int EQ = 0, NE = 1, UGT = 2, UGE = 3, ULT = 4, ULE = 5, SGT = 6, SGE = 7, SLT = 8, SLE = 9, SET = 10, NSET = 11;

    static int relation(int operation) {
        return switch (operation) {
            case JEQ -> EQ;
            case JNE -> NE;
            case JGT -> UGT;
            case JGE -> UGE;
            case JLT -> ULT;
            case JLE -> ULE;
            case JSGT -> SGT;
            case JSGE -> SGE;
            case JSLT -> SLT;
            case JSLE -> SLE;
            default -> SET;
        };
    }

    static int negate(int rel) {
        return switch (rel) {
            case EQ -> NE;
            case NE -> EQ;
            case UGT -> ULE;
            case UGE -> ULT;
            case ULT -> UGE;
            case ULE -> UGT;
            case SGT -> SLE;
            case SGE -> SLT;
            case SLT -> SGE;
            case SLE -> SGT;
            case SET -> NSET;
            default -> SET;
        };
    }

    static int swapSides(int rel) {
        return switch (rel) {
            case UGT -> ULT;
            case UGE -> ULE;
            case ULT -> UGT;
            case ULE -> UGE;
            case SGT -> SLT;
            case SGE -> SLE;
            case SLT -> SGT;
            case SLE -> SGE;
            default -> rel;
        };
    }

    boolean conditional(VerifierState st, Instruction insn) {
        int op = insn.opcode();
        boolean is32 = instructionClass(op) == JMP32;
        Reg[] regs = st.regs();
        int dst = insn.dst();
        Reg d = v.readReg(regs, dst);
        boolean x = source(op) == X;
        int srcno = x ? insn.src() : -1;
        Reg s = x ? v.readReg(regs, insn.src()) : Reg.constant(is32 ? insn.imm() & Reg.M32 : (long) insn.imm());
        int rel = relation(operation(op));
        int target = (int) v.structure.jumpTarget(v.pc);

        if (d.type.isPointer() || s.type.isPointer()) {
            pointerBranch(st, is32, dst, d, srcno, s, rel, target);
            return true;
        }
        // scalars: refine both ways; an infeasible side is dead
        VerifierState taken = st.copy();
        boolean takenOk = refineScalars(taken, is32, dst, srcno, s, rel);
        boolean fallOk = refineScalars(st, is32, dst, srcno, s, negate(rel));
        if (takenOk && fallOk) {
            taken.insn = target;
            v.push(taken);
            st.insn = v.pc + 1;
        } else if (takenOk) {
            taken.parent = st.parent;
            copyInto(taken, st);
            st.insn = target;
        } else if (fallOk) {
            st.insn = v.pc + 1;
        } else {
            return false; // contradictory state: this path cannot happen
        }
        return true;
    }

    static void copyInto(VerifierState from, VerifierState to) {
        to.frames.clear();
        to.frames.addAll(from.frames);
        to.refs.clear();
        to.refs.addAll(from.refs);
    }

    /** Applies "dst rel src" to the state; false when no value satisfies it. */
    boolean refineScalars(VerifierState st, boolean is32, int dst, int srcno, Reg srcConst, int rel) {
        Reg[] regs = st.regs();
        Reg a = regs[dst];
        Reg b = srcno >= 0 ? regs[srcno] : srcConst;
        if (srcno == dst) {
            return switch (rel) {
                case EQ, UGE, ULE, SGE, SLE -> true;
                case NE, UGT, ULT, SGT, SLT -> false;
                case NSET -> a.isConst(0) || !a.isConst();
                default -> !a.isConst(0);
            };
        }
        if (!is32) {
            Reg na = a.copy();
            Reg nb = b.copy();
            if (!Scalars.refine(na, nb, rel)) {
                return false;
            }
            regs[dst] = na;
            if (srcno >= 0) {
                regs[srcno] = nb;
            }
            return true;
        }
        boolean signed = rel == SGT || rel == SGE || rel == SLT || rel == SLE;
        Reg va = signed ? a.sext32() : a.lo32();
        Reg vb = signed ? b.sext32() : b.lo32();
        if (!Scalars.refine(va, vb, rel)) {
            return false;
        }
        long limit = signed ? 0x7fff_ffffL : Reg.M32;
        if (Long.compareUnsigned(a.umax, limit) <= 0) {
            regs[dst] = va;
        }
        if (srcno >= 0 && Long.compareUnsigned(b.umax, limit) <= 0) {
            regs[srcno] = vb;
        }
        return true;
    }

    void pointerBranch(VerifierState st, boolean is32, int dst, Reg d, int srcno, Reg s, int rel, int target) {
        // null checks: ptr_or_null ==/!= 0
        Reg ptr = d.type.isPointer() ? d : s;
        Reg other = ptr == d ? s : d;
        if ((rel == EQ || rel == NE) && !other.type.isPointer() && other.isConst(0) && !is32) {
            if (ptr.type.isOrNull()) {
                VerifierState isNull = st.copy();
                markNull(isNull, ptr.id, true);
                markNull(st, ptr.id, false);
                VerifierState taken = rel == EQ ? isNull : st;
                VerifierState fall = rel == EQ ? st : isNull;
                if (taken == st) {
                    fall.insn = v.pc + 1;
                    v.push(fall);
                    st.insn = target;
                } else {
                    taken.insn = target;
                    v.push(taken);
                    st.insn = v.pc + 1;
                }
                return;
            }
            // a pointer that cannot be null: the branch is decided
            st.insn = rel == EQ ? v.pc + 1 : target;
            return;
        }
        if (is32) {
            throw v.error("R" + dst + " 32-bit pointer comparison prohibited");
        }
        if (d.type.isPointer() && s.type.isPointer()) {
            RegType dt = d.type;
            RegType stype = s.type;
            boolean pktEnd = (dt == RegType.PTR_TO_PACKET && stype == RegType.PTR_TO_PACKET_END)
                    || (dt == RegType.PTR_TO_PACKET_END && stype == RegType.PTR_TO_PACKET)
                    || (dt == RegType.PTR_TO_PACKET_META && stype == RegType.PTR_TO_PACKET)
                    || (dt == RegType.PTR_TO_PACKET && stype == RegType.PTR_TO_PACKET_META);
            boolean samePkt = dt == stype && dt.isPacket();
            if (pktEnd || samePkt) {
                VerifierState taken = st.copy();
                if (pktEnd && rel != EQ && rel != NE && rel != SET) {
                    // normalise to "pkt REL end"
                    boolean pktIsDst = dt == RegType.PTR_TO_PACKET_META || (dt == RegType.PTR_TO_PACKET && stype == RegType.PTR_TO_PACKET_END);
                    int r = pktIsDst ? rel : swapSides(rel);
                    Reg pkt = pktIsDst ? d : s;
                    Reg end = pktIsDst ? s : d;
                    if (end.type == RegType.PTR_TO_PACKET_END || (end.off == 0 && end.isConst(0) && end.id == 0)) {
                        applyPacketRange(taken, pkt, r);
                        applyPacketRange(st, pkt, negate(r));
                    }
                }
                taken.insn = target;
                v.push(taken);
                st.insn = v.pc + 1;
                return;
            }
        }
        throw v.error("R" + (d.type.isPointer() ? dst : srcno) + " pointer comparison prohibited");
    }

    /** On a path where "pkt REL end" holds, the bytes before end become readable. */
    void applyPacketRange(VerifierState st, Reg pkt, int rel) {
        int newRange;
        switch (rel) {
            case ULE, SLE -> newRange = pkt.off;       // pkt + off <= end
            case ULT, SLT -> newRange = pkt.off + 1;   // pkt + off < end
            default -> {
                return;
            }
        }
        if (pkt.off < 0 || pkt.smin < 0) {
            return;
        }
        RegType t = pkt.type;
        int id = pkt.id;
        st.forEachReg(r -> {
            if (r.type == t && r.id == id && r.range < newRange) {
                r.range = newRange;
            }
        });
    }

    void markNull(VerifierState st, int id, boolean isNull) {
        int[] released = {0};
        st.forEachReg(r -> {
            if (r.type.isOrNull() && r.id == id) {
                if (isNull) {
                    if (r.refId != 0) {
                        released[0] = r.refId;
                    }
                    r.becomeConst(0);
                } else {
                    r.type = r.type.nonNull();
                }
            }
        });
        if (released[0] != 0) {
            int ref = released[0];
            st.refs.removeIf(x -> x.id() == ref);
        }
    }

    // ---- helpers ----
}
