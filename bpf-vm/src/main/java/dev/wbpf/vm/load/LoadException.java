package dev.wbpf.vm.load;

/**
 * The VM cannot load an object: a map it cannot create, a kernel symbol or kernel type it cannot
 * provide, a program its verifier refuses. The message says which program or map and why.
 */
public final class LoadException extends RuntimeException {
    public LoadException(String message) {
        super(message);
    }

    public LoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
