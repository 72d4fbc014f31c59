package dev.wbpf.vm.map;

/** A map operation refused by the map, carrying the errno the kernel would have returned. */
public final class MapException extends RuntimeException {
    private final int errno;

    public MapException(String map, String operation, int errno) {
        super(operation + " on map `" + map + "` failed: " + Errno.name(errno));
        this.errno = errno;
    }

    /** The positive errno, e.g. {@link Errno#ENOENT}. */
    public int errno() {
        return errno;
    }
}
