package dev.wbpf.kernel.sys;

/** The parts of {@code struct bpf_prog_info} wbpf uses. {@code tag} is the 8-byte hash as hex. */
public record ProgramInfo(int type, int id, String tag, String name, int btfId, int jitedLength,
        int translatedLength, long loadTimeNanos, int createdByUid, int mapCount, long runTimeNanos, long runCount) {}
