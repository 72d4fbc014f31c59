package dev.wbpf.kernel.sys;

/**
 * The outcome of one batch command: how many elements it processed and whether the map has no
 * more (the kernel says so with ENOENT, which is therefore not an error here).
 */
public record BatchResult(int count, boolean finished) {}
