package dev.wbpf.kernel;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit extension that records where every {@link Fd} was opened and fails the test if any is
 * still open when it ends, printing the stack that opened it. Register with
 * {@code @ExtendWith(FdLeakTracker.class)}.
 */
public final class FdLeakTracker implements BeforeEachCallback, AfterEachCallback, FdObserver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(FdLeakTracker.class);

    private final Map<Fd, Throwable> open = new ConcurrentHashMap<>();

    @Override
    public void opened(Fd fd) {
        open.put(fd, new Throwable("opened here: " + fd));
    }

    @Override
    public void closed(Fd fd) {
        open.remove(fd);
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        open.clear();
        context.getStore(NAMESPACE).put("restore", Fd.observe(this));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        AutoCloseable restore = context.getStore(NAMESPACE).remove("restore", AutoCloseable.class);
        if (restore != null) {
            restore.close();
        }
        if (!open.isEmpty()) {
            String where = open.values().stream()
                    .map(t -> t.getMessage() + "\n" + stack(t))
                    .collect(Collectors.joining("\n"));
            open.clear();
            throw new AssertionError("file descriptors leaked by " + context.getDisplayName() + ":\n" + where);
        }
    }

    private static String stack(Throwable t) {
        StringBuilder sb = new StringBuilder();
        StackTraceElement[] frames = t.getStackTrace();
        for (int i = 0; i < Math.min(frames.length, 8); i++) {
            sb.append("    at ").append(frames[i]).append('\n');
        }
        return sb.toString();
    }
}
