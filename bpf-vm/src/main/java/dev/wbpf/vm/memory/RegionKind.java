package dev.wbpf.vm.memory;

/** What a region of VM memory is; used in fault messages and by helpers that accept only some kinds. */
public enum RegionKind {
    /** The program's context argument (e.g. {@code xdp_md}, caller-supplied memory). */
    CONTEXT,
    /** One call frame's 512-byte stack. */
    STACK,
    /** Packet data between {@code data} and {@code data_end}. */
    PACKET,
    /** A value inside a map, handed out by a lookup. */
    MAP_VALUE,
    /** A reserved, not yet submitted ring buffer record. */
    RINGBUF_RECORD,
    /** Read-only data a helper exposes (e.g. a map's global data section). */
    HELPER_MEMORY
}
