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
        Reference ref = reference(module);
        if (ref == null) {
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

    /**
     * The module bytes of the package {@code module} names if it is in the local store; else (not
     * a reference, not stored, anything wrong) null. Never pulls, never prints: {@code wbpf run}'s
     * head start reads a package this way before picocli has read the options.
     */
    static byte[] fromLocalStore(Path module) {
        try {
            Reference ref = reference(module);
            if (ref == null) {
                return null;
            }
            PackageStore store = PackageStoreOption.open();
            return store.resolve(ref).isPresent() ? Packages.module(store, ref) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The package reference {@code module} is, or null when it is a file or no reference. */
    private static Reference reference(Path module) {
        String text = module.toString();
        if (Files.exists(module) || text.endsWith(".wasm")) {
            return null;
        }
        try {
            return Reference.parse(text);
        } catch (InvalidReferenceException notAReference) {
            return null;
        }
    }
}
