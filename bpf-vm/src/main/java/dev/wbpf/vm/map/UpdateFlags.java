package dev.wbpf.vm.map;

/** The {@code flags} of map updates ({@code BPF_ANY}, {@code BPF_NOEXIST}, {@code BPF_EXIST}). */
public final class UpdateFlags {
    private UpdateFlags() {}

    public static final long ANY = 0;
    public static final long NOEXIST = 1;
    public static final long EXIST = 2;
    /** {@code BPF_F_LOCK}: accepted and ignored, since values are copied under the map's lock anyway. */
    public static final long F_LOCK = 4;

    /** 0 if the flags are valid for an element map, else {@link Errno#EINVAL}. */
    static int check(long flags) {
        long mode = flags & ~F_LOCK;
        return mode == ANY || mode == NOEXIST || mode == EXIST ? 0 : Errno.EINVAL;
    }

    /** The errno the flags demand given whether the key exists, or 0 to go ahead. */
    static int precondition(long flags, boolean exists) {
        long mode = flags & ~F_LOCK;
        if (mode == NOEXIST && exists) {
            return Errno.EEXIST;
        }
        if (mode == EXIST && !exists) {
            return Errno.ENOENT;
        }
        return 0;
    }
}
