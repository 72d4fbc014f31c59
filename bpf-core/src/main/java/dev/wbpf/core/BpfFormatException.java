package dev.wbpf.core;

/**
 * The one exception for a BPF object that cannot be read: truncated or corrupted ELF, wrong
 * machine or byte order, missing or malformed BTF, a relocation that points nowhere.
 * The message always names the source (usually the file) and the problem.
 */
public final class BpfFormatException extends RuntimeException {
    private final String source;
    private final String problem;

    public BpfFormatException(String source, String problem) {
        super(source + ": " + problem);
        this.source = source;
        this.problem = problem;
    }

    public BpfFormatException(String source, String problem, Throwable cause) {
        super(source + ": " + problem, cause);
        this.source = source;
        this.problem = problem;
    }

    /** Where the bad input came from, usually a file name. */
    public String source() {
        return source;
    }

    /** What is wrong with it, without the source prefix. */
    public String problem() {
        return problem;
    }
}
