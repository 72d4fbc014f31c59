package dev.wbpf.kernel.backend;

import dev.wbpf.core.backend.BpfLink;
import dev.wbpf.kernel.link.KernelLink;

/** A {@link KernelLink} behind the SPI; its object detaches it on close if the caller did not. */
final class KernelBpfLink implements BpfLink {
    private final KernelBpfObject owner;
    private final KernelLink link;

    KernelBpfLink(KernelBpfObject owner, KernelLink link) {
        this.owner = owner;
        this.link = link;
    }

    /** The kernel-side link, for callers that need more than the SPI (ids, descriptors). */
    KernelLink kernelLink() {
        return link;
    }

    @Override
    public String description() {
        return link.describe();
    }

    @Override
    public void close() {
        owner.untrack(link);
        link.close();
    }

    @Override
    public String toString() {
        return "BpfLink[" + link.describe() + "]";
    }
}
