package dev.wbpf.kernel.sys;

/** The common fields of BPF_LINK_CREATE; {@code targetFd} is an ifindex for XDP. */
public record LinkCreateRequest(int programFd, int targetFd, int attachType, int flags, int targetBtfId) {

    public static LinkCreateRequest of(int programFd, int targetFd, int attachType) {
        return new LinkCreateRequest(programFd, targetFd, attachType, 0, 0);
    }
}
