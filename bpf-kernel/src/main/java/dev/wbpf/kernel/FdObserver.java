package dev.wbpf.kernel;

/** Sees every {@link Fd} opened and closed; the hook behind the tests' descriptor leak tracker. */
public interface FdObserver {
    FdObserver NONE = new FdObserver() {
        @Override
        public void opened(Fd fd) {}

        @Override
        public void closed(Fd fd) {}
    };

    void opened(Fd fd);

    void closed(Fd fd);
}
