package dev.wbpf.vm.map;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code BPF_MAP_TYPE_TASK_STORAGE}: one value per task, created on demand by
 * {@code bpf_task_storage_get(..., BPF_LOCAL_STORAGE_GET_F_CREATE)} and reached through the task
 * (the VM's tasks are Java threads, see {@code dev.wbpf.vm.kernel.VmTask}). The kernel's user space
 * keys it by a pidfd; the VM has none, so Java callers key it by the task's pid (the thread id), 4
 * bytes little-endian. As in the kernel, the key is 4 bytes and max_entries 0 (no fixed capacity).
 */
public final class TaskStorageMap extends VmMap {
    private final Map<Integer, byte[]> values = new ConcurrentHashMap<>();

    public TaskStorageMap(MapDefinition definition) {
        super(definition);
        if (definition.keySize() != 4 || definition.maxEntries() != 0 || definition.valueSize() <= 0) {
            throw new MapException(definition.name(), "create (task storage needs key size 4, max_entries 0 and a value)",
                    Errno.EINVAL);
        }
    }

    /** The value of task {@code pid}; with {@code create}, a new one from {@code init} (zeroed when null) if absent. */
    public ValueSlot forTask(int pid, boolean create, byte[] init) {
        byte[] value = create
                ? values.computeIfAbsent(pid, p -> init == null ? new byte[valueSize()] : Arrays.copyOf(init, valueSize()))
                : values.get(pid);
        return value == null ? null : new ValueSlot(value, 0, value.length);
    }

    /** Removes task {@code pid}'s value: 0, or ENOENT when it has none. */
    public int deleteForTask(int pid) {
        return values.remove(pid) == null ? Errno.ENOENT : 0;
    }

    private static int pid(byte[] key) {
        return ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN).getInt();
    }

    @Override
    public ValueSlot find(byte[] key, int cpu) {
        return forTask(pid(key), false, null);
    }

    @Override
    public int updateElement(byte[] key, byte[] value, long flags, int cpu) {
        int pid = pid(key);
        if (flags > UpdateFlags.EXIST) {
            return Errno.EINVAL;
        }
        boolean present = values.containsKey(pid);
        if (flags == UpdateFlags.NOEXIST && present) {
            return Errno.EEXIST;
        }
        if (flags == UpdateFlags.EXIST && !present) {
            return Errno.ENOENT;
        }
        values.put(pid, Arrays.copyOf(value, valueSize()));
        return 0;
    }

    @Override
    public int deleteElement(byte[] key) {
        return deleteForTask(pid(key));
    }
}
