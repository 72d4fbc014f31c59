package dev.wbpf.vm.verifier;

/**
 * A "tristate number": the bits of a 64-bit value that are known ({@code mask} bit 0, value in
 * {@code value}) and unknown ({@code mask} bit 1). The arithmetic follows the kernel's idea
 * (kernel/bpf/tnum.c): each operation gives the tightest tnum containing every possible result.
 */
record Tnum(long value, long mask) {
    static final Tnum UNKNOWN = new Tnum(0, -1L);
    static final long M32 = 0xffff_ffffL;

    static Tnum constant(long v) {
        return new Tnum(v, 0);
    }

    /** Every value in [min, max] (unsigned). */
    static Tnum range(long min, long max) {
        long chi = min ^ max;
        int bits = 64 - Long.numberOfLeadingZeros(chi);
        if (bits > 63) {
            return UNKNOWN;
        }
        long delta = (1L << bits) - 1;
        return new Tnum(min & ~delta, delta);
    }

    boolean isConst() {
        return mask == 0;
    }

    Tnum add(Tnum b) {
        long sm = mask + b.mask;
        long sv = value + b.value;
        long sigma = sm + sv;
        long chi = sigma ^ sv;
        long mu = chi | mask | b.mask;
        return new Tnum(sv & ~mu, mu);
    }

    Tnum sub(Tnum b) {
        long dv = value - b.value;
        long alpha = dv + mask;
        long beta = dv - b.mask;
        long chi = alpha ^ beta;
        long mu = chi | mask | b.mask;
        return new Tnum(dv & ~mu, mu);
    }

    Tnum and(Tnum b) {
        long alpha = value | mask;
        long beta = b.value | b.mask;
        long v = value & b.value;
        return new Tnum(v, alpha & beta & ~v);
    }

    Tnum or(Tnum b) {
        long v = value | b.value;
        long mu = mask | b.mask;
        return new Tnum(v, mu & ~v);
    }

    Tnum xor(Tnum b) {
        long v = value ^ b.value;
        long mu = mask | b.mask;
        return new Tnum(v & ~mu, mu);
    }

    Tnum mul(Tnum b) {
        if (isConst() && b.isConst()) {
            return constant(value * b.value);
        }
        int tz = Math.min(63, Long.numberOfTrailingZeros(value | mask) + Long.numberOfTrailingZeros(b.value | b.mask));
        long low = tz >= 64 ? -1L : (1L << tz) - 1;
        return new Tnum(0, ~low);
    }

    Tnum lsh(int k) {
        return new Tnum(value << k, mask << k);
    }

    Tnum rsh(int k) {
        return new Tnum(value >>> k, mask >>> k);
    }

    Tnum arsh(int k) {
        return new Tnum(value >> k, mask >> k);
    }

    Tnum cast32() {
        return new Tnum(value & M32, mask & M32);
    }

    /** Sign-extends from bit {@code bits - 1}. */
    Tnum sext(int bits) {
        int shift = 64 - bits;
        return new Tnum((value << shift) >> shift, (mask << shift) >> shift);
    }

    /** Both constraints at once; null when they contradict. */
    Tnum intersect(Tnum b) {
        if (((value ^ b.value) & ~mask & ~b.mask) != 0) {
            return null;
        }
        long v = value | b.value;
        long mu = mask & b.mask;
        return new Tnum(v & ~mu, mu);
    }

    /** True when every value of {@code b} is a value of this tnum. */
    boolean contains(Tnum b) {
        if ((b.mask & ~mask) != 0) {
            return false;
        }
        return (b.value & ~mask) == value;
    }

    @Override
    public String toString() {
        return "(0x" + Long.toHexString(value) + "; 0x" + Long.toHexString(mask) + ")";
    }
}
