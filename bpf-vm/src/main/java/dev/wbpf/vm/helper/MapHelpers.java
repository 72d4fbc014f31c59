package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.VmProgram;
import dev.wbpf.vm.kernel.VmKernelTypes;
import dev.wbpf.vm.map.ArrayMap;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.map.MapOfMaps;
import dev.wbpf.vm.map.QueueStackMap;
import dev.wbpf.vm.map.TaskStorageMap;
import dev.wbpf.vm.map.ValueSlot;
import dev.wbpf.vm.map.VmMap;
import dev.wbpf.vm.memory.Memory;
import dev.wbpf.vm.memory.RegionKind;

/** map_lookup/update/delete_elem and map_push/pop/peek_elem. */
final class MapHelpers {
    private MapHelpers() {}

    static long lookup(ExecutionContext ctx, long mapHandle, long keyPointer, long r3, long r4, long r5) {
        VmMap map = ctx.map(mapHandle);
        ValueSlot slot;
        if (map instanceof ArrayMap array) {
            // The most frequent lookup (counters, per-CPU scratch): read the u32 index in place, no key copy.
            slot = array.element(readU32(ctx.memory(), keyPointer, ctx.instruction()), ctx.cpu());
        } else {
            byte[] key = ctx.memory().read(keyPointer, map.keySize(), ctx.instruction());
            if (map instanceof MapOfMaps outer) {
                VmMap inner = outer.innerMap(key);
                return inner == null ? 0 : ctx.handleOf(inner);
            }
            slot = map.find(key, ctx.cpu());
        }
        if (slot == null) {
            return 0;
        }
        boolean writable = (map.definition().flags() & VmProgram.BPF_F_RDONLY_PROG) == 0;
        return ctx.memory().addShared(RegionKind.MAP_VALUE, map.valueRegionName(),
                slot.array(), slot.offset(), slot.length(), writable, map);
    }

    /** BPF_LOCAL_STORAGE_GET_F_CREATE. */
    static final long STORAGE_GET_F_CREATE = 1;

    /**
     * bpf_task_storage_get(map, task, value, flags): the task's value, created (from {@code value},
     * or zeroed) with F_CREATE; NULL for a NULL task or when absent. The task is the VM's
     * task_struct; its pid keys the storage.
     */
    static long taskStorageGet(ExecutionContext ctx, long mapHandle, long task, long init, long flags, long r5) {
        if (!(ctx.map(mapHandle) instanceof TaskStorageMap map) || (flags & ~STORAGE_GET_F_CREATE) != 0 || task == 0) {
            return 0;
        }
        int pid = (int) ctx.memory().load32(task + VmKernelTypes.TASK_PID, ctx.instruction());
        byte[] initial = init == 0 ? null : ctx.memory().read(init, map.valueSize(), ctx.instruction());
        ValueSlot slot = map.forTask(pid, (flags & STORAGE_GET_F_CREATE) != 0, initial);
        if (slot == null) {
            return 0;
        }
        return ctx.memory().addShared(RegionKind.MAP_VALUE, "value of map `" + map.name() + "`",
                slot.array(), slot.offset(), slot.length(), true, map);
    }

    /** bpf_task_storage_delete(map, task): 0, or -ENOENT when the task has no value. */
    static long taskStorageDelete(ExecutionContext ctx, long mapHandle, long task, long r3, long r4, long r5) {
        if (!(ctx.map(mapHandle) instanceof TaskStorageMap map) || task == 0) {
            return -Errno.EINVAL;
        }
        return -map.deleteForTask((int) ctx.memory().load32(task + VmKernelTypes.TASK_PID, ctx.instruction()));
    }

    /** The little-endian u32 at {@code pointer}, checked like {@link Memory#read}. */
    private static long readU32(Memory memory, long pointer, int insn) {
        int region = memory.check(pointer, 4, false, insn);
        byte[] bytes = memory.array(region);
        int at = memory.arrayIndex(region, pointer);
        return (bytes[at] & 0xffL) | (bytes[at + 1] & 0xffL) << 8 | (bytes[at + 2] & 0xffL) << 16 | (bytes[at + 3] & 0xffL) << 24;
    }

    static long update(ExecutionContext ctx, long mapHandle, long keyPointer, long valuePointer, long flags, long r5) {
        VmMap map = ctx.map(mapHandle);
        Memory memory = ctx.memory();
        byte[] key = memory.read(keyPointer, map.keySize(), ctx.instruction());
        byte[] value = memory.read(valuePointer, map.valueSize(), ctx.instruction());
        return -map.updateElement(key, value, flags, ctx.cpu());
    }

    static long delete(ExecutionContext ctx, long mapHandle, long keyPointer, long r3, long r4, long r5) {
        VmMap map = ctx.map(mapHandle);
        byte[] key = ctx.memory().read(keyPointer, map.keySize(), ctx.instruction());
        return -map.deleteElement(key);
    }

    static long push(ExecutionContext ctx, long mapHandle, long valuePointer, long flags, long r4, long r5) {
        if (!(ctx.map(mapHandle) instanceof QueueStackMap map)) {
            return -Errno.EINVAL;
        }
        return -map.push(ctx.memory().read(valuePointer, map.valueSize(), ctx.instruction()), flags);
    }

    static long pop(ExecutionContext ctx, long mapHandle, long valuePointer, long r3, long r4, long r5) {
        return take(ctx, mapHandle, valuePointer, true);
    }

    static long peek(ExecutionContext ctx, long mapHandle, long valuePointer, long r3, long r4, long r5) {
        return take(ctx, mapHandle, valuePointer, false);
    }

    private static long take(ExecutionContext ctx, long mapHandle, long valuePointer, boolean remove) {
        if (!(ctx.map(mapHandle) instanceof QueueStackMap map)) {
            return -Errno.EINVAL;
        }
        // Check the destination before taking, so a bad pointer does not lose a value.
        ctx.memory().check(valuePointer, map.valueSize(), true, ctx.instruction());
        byte[] value = remove ? map.pop() : map.peek();
        if (value == null) {
            return -Errno.ENOENT;
        }
        ctx.memory().write(valuePointer, value, 0, value.length, ctx.instruction());
        return 0;
    }
}
