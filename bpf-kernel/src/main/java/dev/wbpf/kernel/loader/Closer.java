package dev.wbpf.kernel.loader;

import java.util.List;

/** Closes everything in a list, keeping the first failure and adding the others as suppressed. */
final class Closer {
    private Closer() {}

    static void closeAll(List<? extends AutoCloseable> resources) {
        RuntimeException first = null;
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                RuntimeException wrapped = e instanceof RuntimeException re ? re : new RuntimeException(e);
                if (first == null) {
                    first = wrapped;
                } else {
                    first.addSuppressed(wrapped);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
