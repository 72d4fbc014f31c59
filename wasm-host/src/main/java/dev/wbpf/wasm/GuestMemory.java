package dev.wbpf.wasm;

import com.dylibso.chicory.runtime.Memory;
import java.nio.charset.StandardCharsets;

/**
 * Checked access to a guest's linear memory on behalf of one host function: every address and
 * length is checked against the memory's current size, and a violation traps the guest with a
 * message naming {@code function} and the address.
 */
record GuestMemory(Memory memory, String function) {

    /** Longest NUL-terminated string a host function reads (names, paths). */
    static final int MAX_STRING = 4096;

    long size() {
        return (long) memory.pages() * 65536L;
    }

    /** Traps unless {@code [addr, addr+len)} lies inside memory; addresses are unsigned i32. */
    void check(int addr, long len, String what) {
        long start = Integer.toUnsignedLong(addr);
        if (len < 0 || start + len > size()) {
            throw new GuestTrap(function + ": " + what + " at guest address 0x" + Long.toHexString(start)
                    + " (" + len + " bytes) is outside the module's memory (" + size() + " bytes)");
        }
    }

    byte[] read(int addr, int len, String what) {
        check(addr, len, what);
        return len == 0 ? new byte[0] : memory.readBytes(addr, len);
    }

    void write(int addr, byte[] data, int len, String what) {
        check(addr, len, what);
        if (len > 0) {
            memory.write(addr, data, 0, len);
        }
    }

    /** A NUL-terminated UTF-8 string; {@code null} for address 0. */
    String cString(int addr, String what) {
        if (addr == 0) {
            return null;
        }
        long start = Integer.toUnsignedLong(addr);
        long size = size();
        check(addr, 1, what);
        long end = start;
        long limit = Math.min(size, start + MAX_STRING);
        while (end < limit && memory.read((int) end) != 0) {
            end++;
        }
        if (end == limit) {
            throw new GuestTrap(function + ": " + what + " at guest address 0x" + Long.toHexString(start)
                    + (limit == size ? " runs past the end of the module's memory" : " is not NUL-terminated within "
                            + MAX_STRING + " bytes"));
        }
        return new String(memory.readBytes(addr, (int) (end - start)), StandardCharsets.UTF_8);
    }
}
