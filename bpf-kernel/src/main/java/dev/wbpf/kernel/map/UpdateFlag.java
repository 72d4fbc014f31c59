package dev.wbpf.kernel.map;

/** How BPF_MAP_UPDATE_ELEM treats an existing or missing key. */
public enum UpdateFlag {
    /** BPF_ANY: create or overwrite. */
    ANY(0),
    /** BPF_NOEXIST: create only; EEXIST if the key is there. */
    NO_EXIST(1),
    /** BPF_EXIST: overwrite only; ENOENT if the key is missing. For queues/stacks: push even when full. */
    EXIST(2);

    private final long bits;

    UpdateFlag(long bits) {
        this.bits = bits;
    }

    public long bits() {
        return bits;
    }
}
