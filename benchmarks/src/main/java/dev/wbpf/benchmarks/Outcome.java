package dev.wbpf.benchmarks;

import java.util.HexFormat;

/** What one test-run gave: the 32-bit retval and the packet afterwards. */
public record Outcome(int retval, byte[] dataOut) {
    @Override
    public boolean equals(Object o) {
        return o instanceof Outcome other && retval == other.retval && java.util.Arrays.equals(dataOut, other.dataOut);
    }

    @Override
    public int hashCode() {
        return 31 * retval + java.util.Arrays.hashCode(dataOut);
    }

    @Override
    public String toString() {
        return "retval " + retval + ", data " + HexFormat.of().formatHex(dataOut);
    }
}
