package dev.wbpf.kernel.sys;

/** The common head of {@code struct bpf_link_info}. */
public record LinkInfo(int type, int id, int programId) {}
