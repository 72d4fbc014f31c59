package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.core.prog.AttachType;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;
import dev.wbpf.kernel.sys.Bpf;
import dev.wbpf.kernel.sys.LinkCreateRequest;
import dev.wbpf.kernel.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A cgroup program (cgroup_skb, cgroup/sock*, cgroup/connect*, sockops, cgroup/dev, sysctl,
 * sockopt) on a cgroup v2 directory through a BPF link (LINK_CREATE with the directory's
 * descriptor and the attach type the section implies, the one the program was loaded with). The
 * link attaches in multi mode next to programs others attached; closing it detaches.
 */
public final class CgroupLink extends FdLink {
    private CgroupLink(Fd fd, String description) {
        super(fd, description);
    }

    public static CgroupLink attach(KernelProgram program, Path cgroup) {
        Links.requireKind(program, "a cgroup program", AttachKind.CGROUP, AttachKind.SOCKOPS);
        AttachType type = program.spec().definition().expectedAttach();
        if (type == AttachType.NONE) {
            throw new KernelException("program `" + program.name() + "` (section " + program.spec().section()
                    + ") does not say where in the cgroup it attaches; use a section such as cgroup_skb/egress",
                    Errno.EINVAL);
        }
        if (!Files.isDirectory(cgroup)) {
            throw new KernelException("cgroup " + cgroup + " does not exist (cgroup v2 directories are under "
                    + "/sys/fs/cgroup or /sys/fs/cgroup/unified)", Errno.ENOENT);
        }
        try (Fd dir = Syscalls.openat(cgroup.toString(), Syscalls.O_RDONLY | Syscalls.O_CLOEXEC)) {
            Fd link;
            try {
                link = Bpf.linkCreate(LinkCreateRequest.of(program.fd().raw(), dir.raw(), type.kernelValue()));
            } catch (KernelException e) {
                throw new KernelException("cannot attach `" + program.name() + "` to cgroup " + cgroup + " ("
                        + type.name().toLowerCase(java.util.Locale.ROOT) + "): " + e.getMessage()
                        + (e.is(Errno.EBADF) ? Cgroup2Mounts.notCgroup2Hint(cgroup) : ""), e.operation(), e.errnoNumber(), "", e);
            }
            return new CgroupLink(link, "cgroup " + cgroup + " " + type.name().toLowerCase(java.util.Locale.ROOT)
                    + " <- " + program.name());
        }
    }
}
