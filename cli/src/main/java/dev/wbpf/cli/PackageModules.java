package dev.wbpf.cli;

import dev.wbpf.packaging.InvalidReferenceException;
import dev.wbpf.packaging.PackageStore;
import dev.wbpf.packaging.Packages;
import dev.wbpf.packaging.Reference;
import dev.wbpf.registry.PackageTransfer;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** {@code wbpf run REF}: a MODULE argument that is no file but a package reference. */
final class PackageModules {
    private PackageModules() {
    }

    /**
     * The module bytes of the package {@code module} names, or null when it is a file (or does
     * not look like a reference: then the file error stands). A package not in the store is
     * pulled first, quietly unless standard error is a terminal.
     */
    static byte[] resolve(Path module, RegistryOptions registry, PrintStream err) throws IOException {
        String text = module.toString();
        if (Files.exists(module) || text.endsWith(".wasm")) {
            return null;
        }
        Reference ref;
        try {
            ref = Reference.parse(text);
        } catch (InvalidReferenceException notAReference) {
            return null;
        }
        PackageStore store = PackageStoreOption.open();
        if (store.resolve(ref).isEmpty()) {
            if (System.console() != null && System.console().isTerminal() && !registry.quiet()) {
                err.println("wbpf: pulling " + ref);
            }
            PackageTransfer.pull(registry.client(ref.registry()), store, ref);
        }
        return Packages.module(store, ref);
    }
}
