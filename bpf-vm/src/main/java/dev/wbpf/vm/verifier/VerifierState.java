package dev.wbpf.vm.verifier;

import java.util.ArrayList;
import java.util.List;

/** One path's abstract state: the call frames (registers and stack of each) and the held references. */
final class VerifierState {
    static final int STACK_SIZE = 512;
    static final byte INVALID = 0;
    static final byte MISC = 1;
    static final byte ZERO = 2;
    static final byte SPILL = 3;

    /** One call frame. */
    static final class Frame {
        final Reg[] regs = new Reg[11];
        final byte[] stack = new byte[STACK_SIZE];
        final Reg[] spills = new Reg[STACK_SIZE / 8];
        int callsite = -1;
        int subprog;
        boolean callback;

        Frame copy() {
            Frame f = new Frame();
            for (int i = 0; i < 11; i++) {
                f.regs[i] = regs[i].copy();
            }
            System.arraycopy(stack, 0, f.stack, 0, STACK_SIZE);
            for (int i = 0; i < spills.length; i++) {
                f.spills[i] = spills[i] == null ? null : spills[i].copy();
            }
            f.callsite = callsite;
            f.subprog = subprog;
            f.callback = callback;
            return f;
        }
    }

    /** An acquired reference (ring buffer record) not yet released. */
    record Ref(int id, int insn) {
    }

    final List<Frame> frames = new ArrayList<>();
    final List<Ref> refs = new ArrayList<>();
    int insn;
    StatePruning.Checkpoint parent;

    VerifierState copy() {
        VerifierState s = new VerifierState();
        for (Frame f : frames) {
            s.frames.add(f.copy());
        }
        s.refs.addAll(refs);
        s.insn = insn;
        s.parent = parent;
        return s;
    }

    Frame top() {
        return frames.getLast();
    }

    Reg[] regs() {
        return top().regs;
    }

    /** Applies {@code action} to every register and spilled register of every frame. */
    void forEachReg(java.util.function.Consumer<Reg> action) {
        for (Frame f : frames) {
            for (Reg r : f.regs) {
                action.accept(r);
            }
            for (Reg r : f.spills) {
                if (r != null) {
                    action.accept(r);
                }
            }
        }
    }
}
