package dev.wbpf.vm.verifier;

/**
 * The abstract value of one register: a type and, for scalars (and the variable part of a
 * pointer's offset), signed and unsigned 64-bit ranges plus known bits. The 32-bit subrange of a
 * value is derived on demand ({@link #lo32()}). Mutable; states copy registers before changing them.
 */
final class Reg {
    static final long M32 = 0xffff_ffffL;

    RegType type = RegType.NOT_INIT;
    long smin = Long.MIN_VALUE;
    long smax = Long.MAX_VALUE;
    long umin = 0;
    long umax = -1L;
    Tnum tnum = Tnum.UNKNOWN;
    /** Fixed byte offset of a pointer. */
    int off;
    /** Identity shared by copies: null checks and packet range checks refine every register with it. */
    int id;
    /** Packet pointers: bytes from the pointer (at off) known to lie before the packet end. */
    int range;
    /** Map pointers and map values: index into the verifier's map table. */
    int map = -1;
    /** PTR_TO_MEM: size of the memory. */
    int memSize;
    /** Acquired reference (ring buffer record) this pointer belongs to, 0 if none. */
    int refId;
    /** PTR_TO_STACK: the frame whose stack it points into. PTR_TO_FUNC: the target instruction. */
    int frame;
    /** PTR_TO_BTF_ID: the struct's type id in the VM's kernel types. */
    int btfId;

    Reg copy() {
        Reg r = new Reg();
        r.type = type;
        r.smin = smin;
        r.smax = smax;
        r.umin = umin;
        r.umax = umax;
        r.tnum = tnum;
        r.off = off;
        r.id = id;
        r.range = range;
        r.map = map;
        r.memSize = memSize;
        r.refId = refId;
        r.frame = frame;
        r.btfId = btfId;
        return r;
    }

    static Reg notInit() {
        return new Reg();
    }

    static Reg unknown() {
        Reg r = new Reg();
        r.type = RegType.SCALAR;
        return r;
    }

    static Reg constant(long v) {
        Reg r = new Reg();
        r.type = RegType.SCALAR;
        r.setConst(v);
        return r;
    }

    /** An unknown value of {@code bytes} bytes, zero-extended. */
    static Reg unsignedOfSize(int bytes) {
        Reg r = unknown();
        if (bytes < 8) {
            long max = (1L << (8 * bytes)) - 1;
            r.umax = max;
            r.smin = 0;
            r.smax = max;
            r.tnum = new Tnum(0, max);
        }
        return r;
    }

    /** An unknown value of {@code bytes} bytes, sign-extended. */
    static Reg signedOfSize(int bytes) {
        Reg r = unknown();
        if (bytes < 8) {
            long half = 1L << (8 * bytes - 1);
            r.smin = -half;
            r.smax = half - 1;
            r.sync();
        }
        return r;
    }

    static Reg pointer(RegType type) {
        Reg r = new Reg();
        r.type = type;
        r.setConst(0);
        return r;
    }

    /** Turns this register, wherever it is held, into an unknown scalar (a pointer that became invalid). */
    void becomeUnknown() {
        type = RegType.SCALAR;
        setUnknownBounds();
        off = 0;
        id = 0;
        range = 0;
        map = -1;
        memSize = 0;
        refId = 0;
        frame = 0;
        btfId = 0;
    }

    /** Turns this register, wherever it is held, into the scalar {@code v}. */
    void becomeConst(long v) {
        becomeUnknown();
        setConst(v);
    }

    void setConst(long v) {
        smin = smax = umin = umax = v;
        tnum = Tnum.constant(v);
    }

    void setUnknownBounds() {
        smin = Long.MIN_VALUE;
        smax = Long.MAX_VALUE;
        umin = 0;
        umax = -1L;
        tnum = Tnum.UNKNOWN;
    }

    boolean isConst() {
        return tnum.isConst();
    }

    long constValue() {
        return tnum.value();
    }

    boolean isConst(long v) {
        return isConst() && constValue() == v;
    }

    boolean isScalar() {
        return type == RegType.SCALAR;
    }

    /** Sets every bound from every other; false when they contradict (an impossible value). */
    boolean sync() {
        for (int round = 0; round < 2; round++) {
            // known bits -> ranges
            umin = maxU(umin, tnum.value());
            umax = minU(umax, tnum.value() | tnum.mask());
            if ((tnum.mask() & Long.MIN_VALUE) == 0) {
                smin = Math.max(smin, tnum.value());
                smax = Math.min(smax, tnum.value() | tnum.mask());
            } else {
                smin = Math.max(smin, tnum.value() | Long.MIN_VALUE);
                smax = Math.min(smax, (tnum.value() | tnum.mask()) & Long.MAX_VALUE);
            }
            // signed <-> unsigned when the range does not cross the sign boundary
            if (smin >= 0 || smax < 0) {
                umin = maxU(umin, smin);
                umax = minU(umax, smax);
            }
            if ((umin ^ umax) >= 0 && Long.compareUnsigned(umin, umax) <= 0) { // same sign bit: same order
                smin = Math.max(smin, umin);
                smax = Math.min(smax, umax);
            }
            if (Long.compareUnsigned(umin, umax) > 0 || smin > smax) {
                return false;
            }
            Tnum t = tnum.intersect(Tnum.range(umin, umax));
            if (t == null) {
                return false;
            }
            tnum = t;
        }
        return Long.compareUnsigned(umin, umax) <= 0 && smin <= smax
                && Long.compareUnsigned(umin, tnum.value() | tnum.mask()) <= 0
                && Long.compareUnsigned(umax, tnum.value()) >= 0;
    }

    /** The low 32 bits as a zero-extended scalar. */
    Reg lo32() {
        Reg r = unknown();
        r.umax = M32;
        r.smin = 0;
        r.smax = M32;
        r.tnum = tnum.cast32();
        if ((umin >>> 32) == (umax >>> 32)) {
            r.umin = umin & M32;
            r.umax = umax & M32;
        } else if ((smin >> 32) == (smax >> 32)) {
            r.umin = smin & M32;
            r.umax = smax & M32;
        }
        r.smin = r.umin;
        r.smax = r.umax;
        r.sync();
        return r;
    }

    /** The low 32 bits, sign-extended to 64. */
    Reg sext32() {
        return sext(32);
    }

    /** The low {@code bits} bits, sign-extended to 64. */
    Reg sext(int bits) {
        Reg low = bits == 32 ? lo32() : lo(bits);
        Reg r = unknown();
        long half = 1L << (bits - 1);
        r.tnum = low.tnum.sext(bits);
        if (Long.compareUnsigned(low.umax, half) < 0) {
            r.smin = low.umin;
            r.smax = low.umax;
        } else if (Long.compareUnsigned(low.umin, half) >= 0) {
            r.smin = low.umin - 2 * half;
            r.smax = low.umax - 2 * half;
        } else {
            r.smin = -half;
            r.smax = half - 1;
        }
        r.sync();
        return r;
    }

    /** The low {@code bits} (8 or 16) bits zero-extended. */
    Reg lo(int bits) {
        if (bits == 32) {
            return lo32();
        }
        if (bits == 64) {
            return copy();
        }
        long m = (1L << bits) - 1;
        Reg r = unsignedOfSize(bits / 8);
        r.tnum = tnum.and(Tnum.constant(m));
        if ((umin & ~m) == (umax & ~m)) {
            r.umin = umin & m;
            r.umax = umax & m;
            r.smin = r.umin;
            r.smax = r.umax;
        }
        r.sync();
        return r;
    }

    static long maxU(long a, long b) {
        return Long.compareUnsigned(a, b) >= 0 ? a : b;
    }

    static long minU(long a, long b) {
        return Long.compareUnsigned(a, b) <= 0 ? a : b;
    }

    /** True when the bounds of {@code cur} lie within this register's bounds. */
    boolean rangeContains(Reg cur) {
        return smin <= cur.smin && cur.smax <= smax && Long.compareUnsigned(umin, cur.umin) <= 0
                && Long.compareUnsigned(cur.umax, umax) <= 0 && tnum.contains(cur.tnum);
    }

    boolean sameRange(Reg o) {
        return smin == o.smin && smax == o.smax && umin == o.umin && umax == o.umax && tnum.equals(o.tnum);
    }

    String describe(int regno) {
        StringBuilder b = new StringBuilder("R").append(regno).append('(');
        b.append(type.logName);
        if (type == RegType.SCALAR) {
            if (isConst()) {
                b.append(",imm=").append(constValue());
            } else {
                b.append(",smin=").append(smin).append(",smax=").append(smax)
                        .append(",umin=").append(Long.toUnsignedString(umin)).append(",umax=").append(Long.toUnsignedString(umax))
                        .append(",var_off=").append(tnum);
            }
        } else if (type != RegType.NOT_INIT) {
            b.append(",id=").append(id).append(",off=").append(off);
            if (type.isPacket()) {
                b.append(",r=").append(range);
            }
            if (!isConst() || constValue() != 0) {
                b.append(",var_off=").append(tnum).append(",smin=").append(smin).append(",umax=").append(Long.toUnsignedString(umax));
            }
        }
        return b.append(')').toString();
    }

    @Override
    public String toString() {
        return describe(-1);
    }

    /** Exact equality (for infinite loop detection). */
    boolean sameAs(Reg o) {
        return type == o.type && sameRange(o) && off == o.off && range == o.range && map == o.map
                && memSize == o.memSize && frame == o.frame && btfId == o.btfId && (id == 0) == (o.id == 0) && (refId == 0) == (o.refId == 0);
    }
}
