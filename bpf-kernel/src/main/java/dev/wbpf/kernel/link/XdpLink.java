package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.core.prog.AttachType;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.LinkCreateRequest;
import dev.wbpf.kernel.sys.Syscalls;

/**
 * An XDP program on a network interface through a BPF link (LINK_CREATE with the interface index).
 * The kernel picks the mode: native where the driver supports XDP, generic (skb) otherwise, e.g.
 * on {@code lo}.
 */
public final class XdpLink extends FdLink {
    /** XDP_FLAGS_SKB_MODE: force generic XDP. */
    public static final int SKB_MODE = 1 << 1;
    /** XDP_FLAGS_DRV_MODE: require native XDP. */
    public static final int DRV_MODE = 1 << 2;

    private XdpLink(Fd fd, String description) {
        super(fd, description);
    }

    public static XdpLink attach(KernelProgram program, String interfaceName) {
        return attach(program, interfaceName, 0);
    }

    public static XdpLink attach(KernelProgram program, String interfaceName, int flags) {
        Links.requireKind(program, "XDP", AttachKind.XDP);
        int ifindex;
        try {
            ifindex = Syscalls.ifNameToIndex(interfaceName);
        } catch (KernelException e) {
            throw new KernelException("network interface `" + interfaceName + "` does not exist", e.operation(),
                    e.errnoNumber(), "", e);
        }
        Fd fd;
        try {
            fd = Bpf.linkCreate(new LinkCreateRequest(program.fd().raw(), ifindex, AttachType.XDP.kernelValue(), flags, 0));
        } catch (KernelException e) {
            if (!e.is(Errno.EBUSY)) {
                throw e;
            }
            // an interface takes one XDP program per mode; the kernel only says "busy"
            throw new KernelException("cannot attach `" + program.name() + "` to " + interfaceName
                    + ": another XDP program is already attached there (`bpftool net show dev " + interfaceName
                    + "` shows it; detach it or use another interface)", e.operation(), e.errnoNumber(), "", e);
        }
        return new XdpLink(fd, "xdp " + interfaceName + " (ifindex " + ifindex + ") <- " + program.name());
    }
}
