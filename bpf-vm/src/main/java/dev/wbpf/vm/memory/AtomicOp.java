package dev.wbpf.vm.memory;

/** The read-modify-write operations of STX|ATOMIC (the imm field without the FETCH bit). */
public enum AtomicOp {
    ADD("add"), OR("or"), AND("and"), XOR("xor"), XCHG("xchg"), CMPXCHG("cmpxchg");

    private final String mnemonic;

    AtomicOp(String mnemonic) {
        this.mnemonic = mnemonic;
    }

    public String mnemonic() {
        return mnemonic;
    }
}
