package dev.wbpf.cli;

import dev.wbpf.core.StartupTrace;
import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.wasm.CompiledModuleCache;
import dev.wbpf.wasm.EarlyParse;
import dev.wbpf.wasm.WasmBpfModule;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What {@code wbpf run} begins on other threads before picocli has read its command line:
 * preparing the module (parsing, compiling or loading its compiled classes, reading its BPF
 * objects) and choosing the automatic backend (for the kernel, with its BTF read). Both are
 * guesses made from the raw arguments, and both are safe to get wrong: {@link RunCommand} uses
 * the module only for the bytes, engine and cache it settles on itself and the choice only for
 * {@code --backend auto}; otherwise the work is wasted time on another core.
 *
 * @param module            the module being prepared ahead (if an argument is a Wasm file or a package in the store)
 * @param storedPackage     the package read from the local store for that, if it was one (else completes with null)
 * @param automaticBackend  {@link Backends#automatic()}, completing before the backend is prepared
 * @param picocliDone       completed by {@link #commandLineRead()}
 */
record RunHeadStart(EarlyParse module, CompletableFuture<StoredPackage> storedPackage,
                    CompletableFuture<Backends.Choice> automaticBackend, CompletableFuture<Void> picocliDone) {

    /** A package's module, read from the local store for the argument {@code reference}. */
    record StoredPackage(Path reference, byte[] module) {
    }
    /** Starts both; {@code args} is wbpf's whole command line. */
    static RunHeadStart start(String... args) {
        List<String> runArgs = argsOfRun(args);
        boolean interpreter = runArgs.contains("--interpreter");
        CompiledModuleCache cache = RunCommand.compiledModuleCache(interpreter, runArgs.contains("--no-cache"));
        // as RunCommand builds the module: compiled in the background on a miss wherever there is a cache
        List<Path> candidates = moduleCandidates(runArgs);
        CompletableFuture<StoredPackage> storedPackage = new CompletableFuture<>();
        EarlyParse module = EarlyParse.start(() -> firstWasmFileOrStoredPackage(candidates, storedPackage),
                interpreter ? WasmBpfModule.Engine.INTERPRETER : WasmBpfModule.Engine.COMPILER, cache, cache != null);
        // The module is needed first. On two cores, picocli has one and the module the other;
        // the backend's work waits for the first of them to end. Then the preferred backend
        // prepares (the kernel reads its BTF) on one thread while another probes it (the first
        // bpf(2) call links the FFM downcall): each takes ~25 ms of cold code.
        CompletableFuture<Void> picocliDone = new CompletableFuture<>();
        return new RunHeadStart(module, storedPackage, chooseInBackground(() -> {
            CompletableFuture.anyOf(module.ended(), picocliDone).join();
            Thread.ofPlatform().name("wbpf-prepare").daemon(true)
                    .start(() -> Backends.preferred().ifPresent(BpfBackend::prepare));
            return Backends.automatic();
        }), picocliDone);
    }

    /**
     * The module of the package {@code argument} names, if the head start read it from the local
     * store (waits for that reading); else null, and {@link PackageModules#resolve} finds it.
     */
    byte[] storedPackage(Path argument) {
        StoredPackage stored = storedPackage.join();
        return stored != null && stored.reference().equals(argument) ? stored.module() : null;
    }

    /** Says that picocli is done, so the backend's work need no longer wait for a free core. */
    void commandLineRead() {
        picocliDone.complete(null);
    }

    /**
     * Makes the choice on a daemon thread and then lets the chosen backend
     * {@link dev.wbpf.core.backend.BpfBackend#prepare() prepare}; the future completes with the
     * choice (or the reason there is none) before the preparing starts.
     */
    static CompletableFuture<Backends.Choice> chooseInBackground(Supplier<Backends.Choice> chooser) {
        CompletableFuture<Backends.Choice> choice = new CompletableFuture<>();
        Thread.ofPlatform().name("wbpf-backend").daemon(true).start(() -> {
            Backends.Choice chosen;
            try {
                chosen = chooser.get();
            } catch (RuntimeException | Error e) {
                choice.completeExceptionally(e);
                return;
            }
            StartupTrace.mark("backend chosen: " + chosen.backend().name());
            choice.complete(chosen);
            chosen.backend().prepare();
        });
        return choice;
    }

    /**
     * The first candidate that is a Wasm file, else the first that names a package in the local
     * store (then also completing {@code stored} with it; with null in every other case).
     */
    private static byte[] firstWasmFileOrStoredPackage(List<Path> candidates, CompletableFuture<StoredPackage> stored)
            throws java.io.IOException {
        StoredPackage found = null;
        try {
            byte[] file = EarlyParse.firstWasmFile(candidates);
            if (file != null) {
                return file;
            }
            for (Path candidate : candidates) {
                byte[] packaged = PackageModules.fromLocalStore(candidate);
                if (packaged != null) {
                    found = new StoredPackage(candidate, packaged);
                    return packaged;
                }
            }
            return null;
        } finally {
            stored.complete(found);
        }
    }

    private static List<String> argsOfRun(String... args) {
        List<String> all = Arrays.asList(args);
        int run = all.indexOf("run");
        return run < 0 ? List.of() : all.subList(run + 1, all.size());
    }

    /**
     * The arguments after {@code run} that are not options: the first Wasm file among them is the
     * module, unless an option's value is itself a Wasm file (then the guess is wrong, and harmless).
     */
    private static List<Path> moduleCandidates(List<String> runArgs) {
        List<Path> candidates = new ArrayList<>();
        for (String arg : runArgs) {
            if (!arg.startsWith("-")) {
                try {
                    candidates.add(Path.of(arg));
                } catch (InvalidPathException notAPath) {
                    // an option's value
                }
            }
        }
        return candidates;
    }
}
