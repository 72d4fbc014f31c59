package dev.wbpf.kernel.loader;

import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.kernel.KernelException;
import java.nio.file.Path;

/** Run by {@link KernelLoaderPermissionTest} as an unprivileged user: loads one object, prints the error. */
public final class UnprivilegedLoad {
    private UnprivilegedLoad() {}

    public static void main(String[] args) throws Exception {
        try (KernelObject object = KernelLoader.load(BpfObjectReader.read(Path.of(args[0])))) {
            System.out.println("LOADED");
        } catch (KernelException e) {
            System.out.println("REFUSED " + e.getMessage());
        }
    }
}
