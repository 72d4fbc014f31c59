package dev.wbpf.vm.verifier;

import dev.wbpf.vm.verifier.VerifierState.Frame;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** State pruning: checkpoints of explored states per prune point; a new state covered by a finished one is safe, one equal to a state still on the current path is an infinite loop. */
final class StatePruning {
    private static final int MAX_STATES_PER_INSN = 64;
    private static final int CALLEE_SAVED = 0b1111000000; // r6..r9

    /** A stored state; {@code live} counts the paths from it still being explored. */
    static final class Checkpoint {
        final VerifierState state;
        final Checkpoint parent;
        int live = 1;

        Checkpoint(VerifierState state, Checkpoint parent) {
            this.state = state;
            this.parent = parent;
        }
    }

    private final Verifier v;
    private final Map<Integer, List<Checkpoint>> explored = new HashMap<>();
    private int statesStored;

    StatePruning(Verifier v) {
        this.v = v;
    }

    int statesStored() {
        return statesStored;
    }

    /** A branch is pushed for later: its checkpoints have one more path to finish. */
    static void branchPushed(VerifierState branch) {
        if (branch.parent != null) {
            branch.parent.live++;
        }
    }

    /** A path ended safely: checkpoints with no path left under them become usable for pruning. */
    static void endPath(VerifierState st) {
        for (Checkpoint c = st.parent; c != null; c = c.parent) {
            if (--c.live > 0) {
                break;
            }
        }
    }

    boolean visited(VerifierState st) {
        List<Checkpoint> list = explored.computeIfAbsent(v.pc, k -> new ArrayList<>());
        for (Checkpoint c : list) {
            if (c.live == 0) {
                if (covers(c.state, st)) {
                    return true;
                }
            } else if (sameState(c.state, st)) {
                throw v.error("infinite loop detected at insn " + v.pc);
            }
        }
        if (list.size() < MAX_STATES_PER_INSN) {
            Checkpoint c = new Checkpoint(st.copy(), st.parent);
            list.add(c);
            st.parent = c;
            statesStored++;
        }
        return false;
    }

    private int liveMask(VerifierState st, int frameIndex) {
        if (frameIndex == st.frames.size() - 1) {
            return v.structure.liveIn[st.insn];
        }
        int callsite = st.frames.get(frameIndex + 1).callsite;
        return v.structure.liveIn[callsite + 1] & CALLEE_SAVED;
    }

    /** True when every concrete state described by {@code cur} is described by {@code old}. */
    private boolean covers(VerifierState old, VerifierState cur) {
        if (old.frames.size() != cur.frames.size() || old.refs.size() != cur.refs.size()) {
            return false;
        }
        Map<Integer, Integer> ids = new HashMap<>();
        Map<Integer, Integer> back = new HashMap<>();
        for (int i = 0; i < old.frames.size(); i++) {
            Frame o = old.frames.get(i);
            Frame c = cur.frames.get(i);
            if (o.callsite != c.callsite || o.subprog != c.subprog || o.callback != c.callback) {
                return false;
            }
            int live = liveMask(cur, i);
            for (int r = 0; r < 10; r++) {
                if ((live & (1 << r)) != 0 && !regCovers(o.regs[r], c.regs[r], ids, back)) {
                    return false;
                }
            }
            for (int b = 0; b < VerifierState.STACK_SIZE; b++) {
                byte ot = o.stack[b];
                byte ct = c.stack[b];
                if (ot == VerifierState.INVALID) {
                    continue;
                }
                if (ot == VerifierState.MISC) {
                    if (ct == VerifierState.INVALID || (ct == VerifierState.SPILL && c.spills[b / 8].type.isPointer())) {
                        return false;
                    }
                } else if (ot == VerifierState.ZERO) {
                    if (ct != VerifierState.ZERO) {
                        return false;
                    }
                } else if (ct != VerifierState.SPILL) {
                    return false;
                } else if (b % 8 == 0 && !regCovers(o.spills[b / 8], c.spills[b / 8], ids, back)) {
                    return false;
                }
            }
        }
        for (int i = 0; i < old.refs.size(); i++) {
            if (!sameId(old.refs.get(i).id(), cur.refs.get(i).id(), ids, back)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameId(int o, int c, Map<Integer, Integer> ids, Map<Integer, Integer> back) {
        if (o == 0 && c == 0) {
            return true;
        }
        if (o == 0 || c == 0) {
            return false;
        }
        Integer mapped = ids.putIfAbsent(o, c);
        Integer mappedBack = back.putIfAbsent(c, o);
        return (mapped == null || mapped == c) && (mappedBack == null || mappedBack == o);
    }

    private static boolean regCovers(Reg o, Reg c, Map<Integer, Integer> ids, Map<Integer, Integer> back) {
        if (o.type == RegType.NOT_INIT) {
            return true;
        }
        if (o.type != c.type) {
            return false;
        }
        if (o.type == RegType.SCALAR) {
            return o.rangeContains(c);
        }
        if (o.off != c.off || o.map != c.map || o.memSize != c.memSize || o.frame != c.frame || o.btfId != c.btfId) {
            return false;
        }
        if (o.type.isPacket() && c.range < o.range) {
            return false;
        }
        if (!o.rangeContains(c)) {
            return false;
        }
        if ((o.type.isPacket() || o.type.isOrNull()) && !sameId(o.id, c.id, ids, back)) {
            return false;
        }
        return sameId(o.refId, c.refId, ids, back);
    }

    /** Exact equality of the live parts (for infinite-loop detection). */
    private boolean sameState(VerifierState a, VerifierState b) {
        if (a.frames.size() != b.frames.size() || a.refs.size() != b.refs.size()) {
            return false;
        }
        for (int i = 0; i < a.frames.size(); i++) {
            Frame x = a.frames.get(i);
            Frame y = b.frames.get(i);
            if (x.callsite != y.callsite) {
                return false;
            }
            int live = liveMask(b, i);
            for (int r = 0; r < 10; r++) {
                if ((live & (1 << r)) != 0 && !x.regs[r].sameAs(y.regs[r])) {
                    return false;
                }
            }
            if (!Arrays.equals(x.stack, y.stack)) {
                return false;
            }
            for (int s = 0; s < x.spills.length; s++) {
                if ((x.spills[s] == null) != (y.spills[s] == null) || (x.spills[s] != null && !x.spills[s].sameAs(y.spills[s]))) {
                    return false;
                }
            }
        }
        return true;
    }

    // =====================================================================================
    // One instruction
    // =====================================================================================
}
