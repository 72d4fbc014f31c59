package dev.wbpf.wasm.embed;

import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.EventReader;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.Consumer;

/**
 * The records of a ring buffer or perf buffer map, read by a thread of its own once
 * {@link #start()} is called, and handed (as copies) to callbacks, to a {@link Flow.Publisher}
 * and to blocking iterators; register them before {@code start()} to miss nothing.
 * {@link #close()} stops the thread and completes the publisher and the iterators.
 */
public final class RecordStream implements AutoCloseable {
    private static final byte[] END = new byte[0];
    private final EventReader reader;
    private final String name;
    private final List<Consumer<byte[]>> callbacks = new CopyOnWriteArrayList<>();
    private final List<BlockingQueue<byte[]>> queues = new CopyOnWriteArrayList<>();
    private final SubmissionPublisher<byte[]> publisher = new SubmissionPublisher<>();
    private volatile boolean closed;
    private Thread thread;

    private RecordStream(BpfMap map) {
        this.reader = map.openEventReader();
        this.name = map.name();
    }

    public static RecordStream open(BpfMap map) {
        return new RecordStream(map);
    }

    public RecordStream onRecord(Consumer<byte[]> callback) {
        callbacks.add(callback);
        return this;
    }

    public Flow.Publisher<byte[]> publisher() {
        return publisher;
    }

    /** An iterator whose {@code next()} waits for the next record; it ends when the stream is closed. */
    public Iterator<byte[]> iterator() {
        BlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
        queues.add(queue);
        return new Iterator<>() {
            private byte[] next;

            @Override
            public boolean hasNext() {
                if (next == null) {
                    try {
                        next = queue.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        next = END;
                    }
                    if (next == END) {
                        queue.add(END);
                    }
                }
                return next != END;
            }

            @Override
            public byte[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the record stream of " + name + " is closed");
                }
                byte[] r = next;
                next = null;
                return r;
            }
        };
    }

    public synchronized RecordStream start() {
        if (thread == null) {
            thread = Thread.ofPlatform().daemon(true).name("wbpf-records-" + name).start(this::pollLoop);
        }
        return this;
    }

    private void pollLoop() {
        while (!closed) {
            reader.poll(Duration.ofMillis(100), record -> {
                byte[] bytes = record.toArray(ValueLayout.JAVA_BYTE);
                for (Consumer<byte[]> c : callbacks) {
                    c.accept(bytes);
                }
                for (BlockingQueue<byte[]> q : queues) {
                    q.add(bytes);
                }
                if (publisher.hasSubscribers()) {
                    publisher.submit(bytes);
                }
                return closed ? -1 : 0;
            });
        }
    }

    @Override
    public void close() {
        closed = true;
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        reader.close();
        publisher.close();
        for (BlockingQueue<byte[]> q : queues) {
            q.add(END);
        }
    }
}
