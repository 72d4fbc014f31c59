package dev.wbpf.wasm.embed;

import dev.wbpf.core.backend.BpfMap;
import dev.wbpf.core.backend.EventReader;
import dev.wbpf.core.object.MapType;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.SubmissionPublisher;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The records of a ring buffer or perf event array, decoded (by a {@link Codec}, or as copies of
 * the raw bytes) on a thread of its own once {@link #start()} is called, and handed to callbacks,
 * to a {@link Flow.Publisher} and to blocking iterators; register them before {@code start()} to
 * miss nothing. {@link #close()} stops the thread and completes the publisher and the iterators.
 *
 * <p>If decoding a record or a callback fails, the stream stops: the publisher's subscribers get
 * {@code onError}, iterators throw the failure (an {@link IllegalStateException} whose cause it is),
 * and {@link #failure()} returns it.
 */
public final class RecordStream<T> implements AutoCloseable, Iterable<T> {
    private static final Object END = new Object();
    private final EventReader reader;
    private final String name;
    private final Function<byte[], T> decoder;
    private final List<Consumer<? super T>> callbacks = new CopyOnWriteArrayList<>();
    private final List<BlockingQueue<Object>> queues = new CopyOnWriteArrayList<>();
    /** Records a subscriber may fall behind by before it loses some (a power of two, as SubmissionPublisher wants). */
    static final int SUBSCRIBER_BUFFER = 8192;
    private final SubmissionPublisher<T> publisher =
            new SubmissionPublisher<>(ForkJoinPool.commonPool(), SUBSCRIBER_BUFFER);
    private final AtomicLong droppedForSubscribers = new AtomicLong();
    private volatile boolean closed;
    private volatile RuntimeException failure;
    private Thread thread;
    private boolean finished;

    private RecordStream(BpfMap map, Function<byte[], T> decoder) {
        if (map.type() != MapType.RINGBUF && map.type() != MapType.PERF_EVENT_ARRAY) {
            throw new IllegalArgumentException("map `" + map.name() + "` is a " + map.type()
                    + " map; records come from RINGBUF and PERF_EVENT_ARRAY maps");
        }
        this.name = map.name();
        this.decoder = decoder;
        this.reader = map.openEventReader();
    }

    /** The records as copies of their bytes (perf records keep the kernel's padding to 8 bytes). */
    public static RecordStream<byte[]> open(BpfMap map) {
        return new RecordStream<>(map, bytes -> bytes);
    }

    /**
     * The records decoded by {@code codec} (already bound, see {@link Codec#bind}; a
     * {@link LoadedObject} binds record codecs for you). A record shorter than the codec's size
     * stops the stream with an error naming both sizes.
     */
    public static <T> RecordStream<T> open(BpfMap map, Codec<T> codec) {
        int size = codec.size();
        String mapName = map.name();
        return new RecordStream<>(map, bytes -> {
            if (bytes.length < size) {
                throw new IllegalStateException("a record of " + mapName + " is " + bytes.length + " bytes, but codec "
                        + codec + " reads " + size + ": the BPF program sends something else");
            }
            return codec.decode(TypedMap.wrap(bytes), 0);
        });
    }

    public String name() {
        return name;
    }

    /** Calls {@code callback} for each record, on the stream's thread. */
    public RecordStream<T> onRecord(Consumer<? super T> callback) {
        callbacks.add(callback);
        return this;
    }

    /**
     * The records for {@link Flow.Subscriber}s, each delivered on the common fork-join pool. Like
     * the ring buffer itself the stream never waits for a reader: a subscriber more than
     * {@value #SUBSCRIBER_BUFFER} records behind loses records, counted by {@link #droppedForSubscribers()}.
     */
    public Flow.Publisher<T> publisher() {
        return publisher;
    }

    /** An iterator whose {@code hasNext()} waits for the next record; it ends when the stream is closed. */
    @Override
    public Iterator<T> iterator() {
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        synchronized (this) {
            queues.add(queue);
            if (finished) {
                queue.add(END);
            }
        }
        return new Iterator<>() {
            private Object next;

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
                        RuntimeException failed = failure;
                        if (failed != null) {
                            throw new IllegalStateException("the record stream of " + name + " stopped: " + failed.getMessage(), failed);
                        }
                    }
                }
                return next != END;
            }

            @Override
            @SuppressWarnings("unchecked")
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException("the record stream of " + name + " is closed");
                }
                T r = (T) next;
                next = null;
                return r;
            }
        };
    }

    /** Starts reading; calling it again does nothing. */
    public synchronized RecordStream<T> start() {
        if (closed) {
            throw new IllegalStateException("the record stream of " + name + " is closed");
        }
        if (thread == null) {
            thread = Thread.ofPlatform().daemon(true).name("wbpf-records-" + name).start(this::pollLoop);
        }
        return this;
    }

    /** Records the producer had to drop (perf buffers; a ring buffer's program sees its reserve fail instead). */
    public long lostRecords() {
        return reader.lostRecords();
    }

    /** Records a subscriber lost because it was {@value #SUBSCRIBER_BUFFER} records behind (one per subscriber and record). */
    public long droppedForSubscribers() {
        return droppedForSubscribers.get();
    }

    /** What stopped the stream, or null. */
    public RuntimeException failure() {
        return failure;
    }

    private void pollLoop() {
        try {
            while (!closed) {
                reader.poll(Duration.ofMillis(100), record -> {
                    deliver(decoder.apply(record.toArray(ValueLayout.JAVA_BYTE)));
                    return closed ? -1 : 0;
                });
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            finish();
        }
    }

    /** To iterators and subscribers first: a callback that closes the stream has the record seen everywhere. */
    private void deliver(T record) {
        for (BlockingQueue<Object> q : queues) {
            q.add(record);
        }
        if (publisher.hasSubscribers()) {
            // never wait for a subscriber: a blocked submit could not be stopped by close()
            publisher.offer(record, (subscriber, dropped) -> {
                droppedForSubscribers.incrementAndGet();
                return false;
            });
        }
        for (Consumer<? super T> c : callbacks) {
            c.accept(record);
        }
    }

    /** Closes the reader and ends the publisher and the iterators, once; on the polling thread when there is one. */
    private synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        reader.close();
        RuntimeException failed = failure;
        if (failed != null) {
            publisher.closeExceptionally(failed);
        } else {
            publisher.close();
        }
        for (BlockingQueue<Object> q : queues) {
            q.add(END);
        }
    }

    /**
     * Stops the thread, closes the reader; subscribers get {@code onComplete}, iterators end. From
     * a callback it returns at once and the stream ends after that callback.
     */
    @Override
    public void close() {
        Thread t;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
        }
        if (t == Thread.currentThread()) {
            return;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        finish();
    }
}
