package dev.wbpf.core.gen;

/** A BPF object the generators cannot turn into C: no BTF, a type C cannot express, an unknown name. */
public final class GenerationException extends RuntimeException {
    public GenerationException(String message) {
        super(message);
    }
}
