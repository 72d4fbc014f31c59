package dev.wbpf.examples.embedding;

/** {@code struct config} of bpf/embedding.bpf.c: the programs send events only while {@code enabled} is not 0, tagged with {@code tag}. */
public record Config(int enabled, String tag) {
}
