package dev.wbpf.vm.map;

import java.util.ArrayDeque;

/**
 * {@code QUEUE} (FIFO) and {@code STACK} (LIFO): no keys (key size 0), values pushed, popped and
 * peeked. A push into a full map fails with E2BIG unless its flags are {@code BPF_EXIST}, which
 * makes room by dropping the oldest value. Empty pops and peeks fail with ENOENT.
 */
public final class QueueStackMap extends VmMap {
    private final boolean lifo;
    private final ArrayDeque<byte[]> values = new ArrayDeque<>();

    public QueueStackMap(MapDefinition definition) {
        super(definition);
        if (definition.keySize() != 0 || definition.valueSize() <= 0 || definition.maxEntries() <= 0) {
            throw new MapException(definition.name(), "create", Errno.EINVAL);
        }
        this.lifo = definition.type() == dev.wbpf.core.object.MapType.STACK;
    }

    /** 0 or errno; {@code value} is copied. */
    public synchronized int push(byte[] value, long flags) {
        if (flags != UpdateFlags.ANY && flags != UpdateFlags.EXIST) {
            return Errno.EINVAL;
        }
        if (values.size() >= maxEntries()) {
            if (flags != UpdateFlags.EXIST) {
                return Errno.E2BIG;
            }
            values.pollFirst(); // the oldest value, for both queue and stack
        }
        values.addLast(value.clone());
        return 0;
    }

    /** The next value (removed), or null when empty. */
    public synchronized byte[] pop() {
        return lifo ? values.pollLast() : values.pollFirst();
    }

    /** The next value (kept), or null when empty. */
    public synchronized byte[] peek() {
        byte[] value = lifo ? values.peekLast() : values.peekFirst();
        return value == null ? null : value.clone();
    }

    public synchronized int size() {
        return values.size();
    }

    /** User space pushes with update(NULL key, value, flags). */
    @Override
    protected int userUpdate(byte[] key, byte[] value, long flags) {
        return push(value, flags);
    }

    /** User space lookup on a queue/stack is a peek. */
    @Override
    protected byte[] userLookup(byte[] key) {
        return peek();
    }

    @Override
    public int updateElement(byte[] key, byte[] value, long flags, int cpu) {
        return push(value, flags);
    }
}
