package dev.wbpf.kernel.map;

import dev.wbpf.kernel.Fd;

/** The BTF describing a map's key and value (required by storage maps, useful to bpftool for all). */
public record MapBtf(Fd btf, int keyTypeId, int valueTypeId) {}
