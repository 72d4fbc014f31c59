package dev.wbpf.vm.verifier;

/** What the verifier knows a register (or spilled stack slot) holds. Names as in the kernel's log. */
enum RegType {
    NOT_INIT("?"),
    SCALAR("scalar"),
    PTR_TO_CTX("ctx"),
    PTR_TO_STACK("fp"),
    PTR_TO_MAP_VALUE("map_value"),
    PTR_TO_MAP_VALUE_OR_NULL("map_value_or_null"),
    CONST_PTR_TO_MAP("map_ptr"),
    CONST_PTR_TO_MAP_OR_NULL("map_ptr_or_null"),
    PTR_TO_PACKET("pkt"),
    PTR_TO_PACKET_META("pkt_meta"),
    PTR_TO_PACKET_END("pkt_end"),
    PTR_TO_MEM("ringbuf_mem"),
    PTR_TO_MEM_OR_NULL("ringbuf_mem_or_null"),
    PTR_TO_FUNC("func"),
    /** A kernel object of the VM's kernel types ({@code Reg.btfId}), read with plain loads (the kernel's PTR_TO_BTF_ID). */
    PTR_TO_BTF_ID("ptr_btf_id");

    final String logName;

    RegType(String logName) {
        this.logName = logName;
    }

    boolean isPointer() {
        return this != NOT_INIT && this != SCALAR;
    }

    boolean isOrNull() {
        return this == PTR_TO_MAP_VALUE_OR_NULL || this == PTR_TO_MEM_OR_NULL || this == CONST_PTR_TO_MAP_OR_NULL;
    }

    boolean isPacket() {
        return this == PTR_TO_PACKET || this == PTR_TO_PACKET_META;
    }

    RegType nonNull() {
        return switch (this) {
            case PTR_TO_MAP_VALUE_OR_NULL -> PTR_TO_MAP_VALUE;
            case PTR_TO_MEM_OR_NULL -> PTR_TO_MEM;
            case CONST_PTR_TO_MAP_OR_NULL -> CONST_PTR_TO_MAP;
            default -> this;
        };
    }
}
