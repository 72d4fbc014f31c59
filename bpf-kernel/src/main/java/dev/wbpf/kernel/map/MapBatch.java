package dev.wbpf.kernel.map;

import java.util.List;

/**
 * One batch read from a map: the elements, the opaque cursor to pass to the next call, and
 * whether the map had no more elements.
 */
public record MapBatch(List<byte[]> keys, List<byte[]> values, byte[] cursor, boolean finished) {}
