package dev.wbpf.kernel.link;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.Fixtures;
import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelLoader;
import dev.wbpf.kernel.loader.KernelObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class KernelLinksTest {
    @Test
    void theSectionNameChoosesTheAttachKind() {
        try (KernelObject object = KernelLoader.load(Fixtures.spec("links"))) {
            try (KernelLink tp = KernelLinks.attach(object.program("count_write"));
                    KernelLink raw = KernelLinks.attach(object.program("count_raw_sys_enter"));
                    KernelLink btf = KernelLinks.attach(object.program("count_btf_sys_enter"))) {
                assertInstanceOf(TracepointLink.class, tp);
                assertInstanceOf(RawTracepointLink.class, raw);
                assertInstanceOf(TracingLink.class, btf);
                assertTrue(btf.describe().startsWith("tp_btf sys_enter"), btf.describe());
            }
            KernelException xdp = assertThrows(KernelException.class, () -> KernelLinks.attach(object.program("count_udp")));
            assertTrue(xdp.getMessage().contains("XdpLink.attach"), xdp.getMessage());
        }
    }
}
