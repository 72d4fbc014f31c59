package dev.wbpf.kernel.sys;

/**
 * The fields of BPF_MAP_CREATE. Descriptors are raw numbers here (0 = none) because this is the
 * syscall layer; owners of the descriptors keep them open for the duration of the call.
 */
public record MapCreateRequest(
        int mapType,
        int keySize,
        int valueSize,
        int maxEntries,
        int flags,
        String name,
        int innerMapFd,
        int btfFd,
        int btfKeyTypeId,
        int btfValueTypeId,
        int btfVmlinuxValueTypeId,
        long mapExtra) {

    public static MapCreateRequest of(int mapType, int keySize, int valueSize, int maxEntries) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, 0, "", 0, 0, 0, 0, 0, 0);
    }

    public MapCreateRequest withFlags(int newFlags) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, newFlags, name, innerMapFd,
                btfFd, btfKeyTypeId, btfValueTypeId, btfVmlinuxValueTypeId, mapExtra);
    }

    public MapCreateRequest withName(String newName) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, flags, newName, innerMapFd,
                btfFd, btfKeyTypeId, btfValueTypeId, btfVmlinuxValueTypeId, mapExtra);
    }

    public MapCreateRequest withInnerMapFd(int fd) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, flags, name, fd,
                btfFd, btfKeyTypeId, btfValueTypeId, btfVmlinuxValueTypeId, mapExtra);
    }

    public MapCreateRequest withBtf(int fd, int keyTypeId, int valueTypeId) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, flags, name, innerMapFd,
                fd, keyTypeId, valueTypeId, btfVmlinuxValueTypeId, mapExtra);
    }

    public MapCreateRequest withVmlinuxValueTypeId(int typeId) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, flags, name, innerMapFd,
                btfFd, btfKeyTypeId, btfValueTypeId, typeId, mapExtra);
    }

    public MapCreateRequest withMapExtra(long extra) {
        return new MapCreateRequest(mapType, keySize, valueSize, maxEntries, flags, name, innerMapFd,
                btfFd, btfKeyTypeId, btfValueTypeId, btfVmlinuxValueTypeId, extra);
    }
}
