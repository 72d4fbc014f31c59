package dev.wbpf.kernel.loader;

import dev.wbpf.core.StartupTrace;
import dev.wbpf.core.btf.Btf;
import dev.wbpf.kernel.KernelException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The running kernel's BTF ({@code /sys/kernel/btf/vmlinux}), read once per JVM on first use and
 * indexed rather than decoded: CO-RE and attach lookups touch a few hundred of its ~150,000 types.
 */
public final class VmlinuxBtf {
    public static final Path PATH = Path.of("/sys/kernel/btf/vmlinux");

    private VmlinuxBtf() {}

    /** Null until read; a failed read is not kept, so each caller gets the reason. */
    private static Btf btf;

    /**
     * The kernel's BTF; the first call reads it, and concurrent callers (a backend preparing on
     * another thread and a load) wait for that one read.
     *
     * @throws KernelException if the kernel exposes no BTF
     */
    public static synchronized Btf get() {
        if (btf == null) {
            btf = load();
        }
        return btf;
    }

    private static Btf load() {
        if (!Files.isReadable(PATH)) {
            throw new KernelException("this kernel exposes no BTF at " + PATH
                    + " (CONFIG_DEBUG_INFO_BTF is off): CO-RE relocations, ksym externs and tp_btf/fentry"
                    + " programs need it");
        }
        try {
            Btf parsed = Btf.parseIndexed(PATH.toString(), Files.readAllBytes(PATH));
            StartupTrace.mark("kernel BTF parsed (" + PATH + ")");
            return parsed;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + PATH, e);
        }
    }
}
