package dev.wbpf.vm.verifier;

import static dev.wbpf.core.insn.Opcodes.*;

/** Range and known-bits arithmetic on scalars with 64-bit BPF semantics. */
final class Scalars {
    private Scalars() {}

    static final int EQ = 0, NE = 1, UGT = 2, UGE = 3, ULT = 4, ULE = 5, SGT = 6, SGE = 7, SLT = 8, SLE = 9, SET = 10, NSET = 11;

    /** {@code a op b} (ALU64 semantics; {@code signed} selects sdiv/smod). */
    static Reg alu(int op, Reg a, Reg b, boolean signed) {
        if (a.isConst() && b.isConst()) {
            return Reg.constant(eval(op, a.constValue(), b.constValue(), signed));
        }
        Reg r = Reg.unknown();
        switch (op) {
            case ADD -> {
                r.tnum = a.tnum.add(b.tnum);
                try {
                    r.smin = Math.addExact(a.smin, b.smin);
                    r.smax = Math.addExact(a.smax, b.smax);
                } catch (ArithmeticException e) {
                    r.smin = Long.MIN_VALUE;
                    r.smax = Long.MAX_VALUE;
                }
                long lo = a.umin + b.umin;
                long hi = a.umax + b.umax;
                if (Long.compareUnsigned(hi, a.umax) >= 0 && Long.compareUnsigned(lo, a.umin) >= 0
                        && !overflowsU(a.umax, b.umax)) {
                    r.umin = lo;
                    r.umax = hi;
                }
            }
            case SUB -> {
                r.tnum = a.tnum.sub(b.tnum);
                try {
                    r.smin = Math.subtractExact(a.smin, b.smax);
                    r.smax = Math.subtractExact(a.smax, b.smin);
                } catch (ArithmeticException e) {
                    r.smin = Long.MIN_VALUE;
                    r.smax = Long.MAX_VALUE;
                }
                if (Long.compareUnsigned(a.umin, b.umax) >= 0) {
                    r.umin = a.umin - b.umax;
                    r.umax = a.umax - b.umin;
                }
            }
            case MUL -> {
                r.tnum = a.tnum.mul(b.tnum);
                if (Long.compareUnsigned(a.umax, Reg.M32) <= 0 && Long.compareUnsigned(b.umax, Reg.M32) <= 0) {
                    r.umin = a.umin * b.umin;
                    r.umax = a.umax * b.umax;
                }
            }
            case AND -> {
                r.tnum = a.tnum.and(b.tnum);
                r.umax = Reg.minU(a.umax, b.umax);
            }
            case OR -> {
                r.tnum = a.tnum.or(b.tnum);
                r.umin = Reg.maxU(a.umin, b.umin);
            }
            case XOR -> r.tnum = a.tnum.xor(b.tnum);
            case LSH -> {
                if (b.isConst()) {
                    int k = (int) (b.constValue() & 63);
                    r.tnum = a.tnum.lsh(k);
                    if (k == 0 || (a.umax >>> (64 - k)) == 0) {
                        r.umin = a.umin << k;
                        r.umax = a.umax << k;
                    }
                }
            }
            case RSH -> {
                if (b.isConst()) {
                    int k = (int) (b.constValue() & 63);
                    r.tnum = a.tnum.rsh(k);
                    r.umin = a.umin >>> k;
                    r.umax = a.umax >>> k;
                } else {
                    r.umax = a.umax;
                }
            }
            case ARSH -> {
                if (b.isConst()) {
                    int k = (int) (b.constValue() & 63);
                    r.tnum = a.tnum.arsh(k);
                    r.smin = a.smin >> k;
                    r.smax = a.smax >> k;
                } else {
                    r.smin = Math.min(a.smin, 0);
                    r.smax = Math.max(a.smax, 0);
                }
            }
            case DIV -> {
                if (!signed) {
                    if (b.isConst()) {
                        long c = b.constValue();
                        if (c == 0) {
                            return Reg.constant(0);
                        }
                        r.umin = Long.divideUnsigned(a.umin, c);
                        r.umax = Long.divideUnsigned(a.umax, c);
                    } else {
                        r.umax = a.umax;
                    }
                } else if (b.isConst() && b.constValue() > 0) {
                    r.smin = a.smin / b.constValue();
                    r.smax = a.smax / b.constValue();
                } else if (b.isConst(0)) {
                    return Reg.constant(0);
                }
            }
            case MOD -> {
                if (!signed) {
                    if (b.isConst() && b.constValue() != 0) {
                        r.umax = Reg.minU(a.umax, b.constValue() - 1);
                    } else if (b.isConst(0)) {
                        return a.copy();
                    } else {
                        r.umax = a.umax;
                    }
                } else if (b.isConst(0)) {
                    return a.copy();
                } else if (b.isConst() && b.constValue() != Long.MIN_VALUE) {
                    long m = Math.abs(b.constValue()) - 1;
                    if (a.smin >= 0) {
                        r.smin = 0;
                        r.smax = Math.min(a.smax, m);
                    } else {
                        r.smin = -m;
                        r.smax = m;
                    }
                } else if (a.smin >= 0) {
                    r.smin = 0;
                    r.smax = a.smax;
                }
            }
            default -> { }
        }
        if (!r.sync()) {
            return Reg.unknown();
        }
        return r;
    }

    private static boolean overflowsU(long x, long y) {
        return Long.compareUnsigned(x + y, x) < 0;
    }

    static long eval(int op, long a, long b, boolean signed) {
        return switch (op) {
            case ADD -> a + b;
            case SUB -> a - b;
            case MUL -> a * b;
            case DIV -> b == 0 ? 0 : signed ? a / b : Long.divideUnsigned(a, b);
            case MOD -> b == 0 ? a : signed ? a % b : Long.remainderUnsigned(a, b);
            case OR -> a | b;
            case AND -> a & b;
            case XOR -> a ^ b;
            case LSH -> a << b;
            case RSH -> a >>> b;
            case ARSH -> a >> b;
            default -> throw new IllegalArgumentException("alu op " + op);
        };
    }

    /** 32-bit sdiv/smod of constants, zero-extended. */
    static long signed32(int op, int a, int b) {
        if (op == DIV) {
            return (b == 0 ? 0 : a / b) & Reg.M32;
        }
        return (b == 0 ? a : a % b) & Reg.M32;
    }

    /** Narrows {@code a} and {@code b} to the values where "a rel b" holds; false when none do. */
    static boolean refine(Reg a, Reg b, int rel) {
        switch (rel) {
            case EQ -> {
                Tnum t = a.tnum.intersect(b.tnum);
                if (t == null) {
                    return false;
                }
                long smin = Math.max(a.smin, b.smin);
                long smax = Math.min(a.smax, b.smax);
                long umin = Reg.maxU(a.umin, b.umin);
                long umax = Reg.minU(a.umax, b.umax);
                for (Reg r : new Reg[] {a, b}) {
                    r.tnum = t;
                    r.smin = smin;
                    r.smax = smax;
                    r.umin = umin;
                    r.umax = umax;
                }
            }
            case NE -> {
                if (a.isConst() && b.isConst()) {
                    return a.constValue() != b.constValue();
                }
                if (b.isConst()) {
                    excludeConst(a, b.constValue());
                } else if (a.isConst()) {
                    excludeConst(b, a.constValue());
                }
            }
            case ULT -> {
                if (b.umax == 0 || a.umin == -1L) {
                    return false;
                }
                a.umax = Reg.minU(a.umax, b.umax - 1);
                b.umin = Reg.maxU(b.umin, a.umin + 1);
            }
            case ULE -> {
                a.umax = Reg.minU(a.umax, b.umax);
                b.umin = Reg.maxU(b.umin, a.umin);
            }
            case UGT -> {
                return refine(b, a, ULT);
            }
            case UGE -> {
                return refine(b, a, ULE);
            }
            case SLT -> {
                if (b.smax == Long.MIN_VALUE || a.smin == Long.MAX_VALUE) {
                    return false;
                }
                a.smax = Math.min(a.smax, b.smax - 1);
                b.smin = Math.max(b.smin, a.smin + 1);
            }
            case SLE -> {
                a.smax = Math.min(a.smax, b.smax);
                b.smin = Math.max(b.smin, a.smin);
            }
            case SGT -> {
                return refine(b, a, SLT);
            }
            case SGE -> {
                return refine(b, a, SLE);
            }
            case SET -> {
                if (b.isConst()) {
                    long c = b.constValue();
                    if (((a.tnum.value() | a.tnum.mask()) & c) == 0) {
                        return false;
                    }
                    if (Long.bitCount(c) == 1 && (a.tnum.value() & c) == 0) {
                        a.tnum = new Tnum(a.tnum.value() | c, a.tnum.mask() & ~c);
                    }
                } else if (a.isConst(0) || b.isConst(0)) {
                    return false;
                }
            }
            case NSET -> {
                if (b.isConst()) {
                    long c = b.constValue();
                    if ((a.tnum.value() & c) != 0) {
                        return false;
                    }
                    a.tnum = new Tnum(a.tnum.value(), a.tnum.mask() & ~c);
                }
            }
            default -> throw new IllegalArgumentException("relation " + rel);
        }
        return a.sync() && b.sync();
    }

    private static void excludeConst(Reg r, long c) {
        if (r.umin == c && c != -1L) {
            r.umin++;
        }
        if (r.umax == c && c != 0) {
            r.umax--;
        }
        if (r.smin == c && c != Long.MAX_VALUE) {
            r.smin++;
        }
        if (r.smax == c && c != Long.MIN_VALUE) {
            r.smax--;
        }
    }
}
