package dev.wbpf.kernel;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.wbpf.kernel.sys.Bpf;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Test helper: checks with GET_NEXT_ID walks (what bpftool does) that kernel objects are gone. */
public final class KernelObjects {
    private KernelObjects() {}

    public static Set<Integer> snapshot(Bpf.ObjectKind kind) {
        return new HashSet<>(Bpf.allIds(kind));
    }

    /**
     * The id a test created must be gone. Other processes may create objects meanwhile, so the
     * before/after difference is only reported, not asserted empty. Freeing can lag a moment behind
     * close (deferred work), hence the short poll.
     */
    public static void assertGone(Bpf.ObjectKind kind, int id, Set<Integer> before) throws InterruptedException {
        List<Integer> after = Bpf.allIds(kind);
        for (int i = 0; i < 100 && after.contains(id); i++) {
            Thread.sleep(10);
            after = Bpf.allIds(kind);
        }
        assertFalse(after.contains(id), kind + " id " + id + " still exists after close");
        Set<Integer> added = new HashSet<>(after);
        added.removeAll(before);
        if (!added.isEmpty()) {
            System.err.println("note: " + kind + " ids " + added + " appeared meanwhile (another process?)");
        }
    }
}
