package dev.wbpf.kernel.sys;

/** The parts of {@code struct bpf_map_info} wbpf uses. */
public record MapInfo(int type, int id, int keySize, int valueSize, int maxEntries, int flags, String name,
        int btfId, long mapExtra) {}
