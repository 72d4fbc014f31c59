package dev.wbpf.cli;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.wasm.EarlyParse;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * What {@code wbpf run} begins on other threads before picocli has read its command line (which
 * takes ~30 ms, cold): parsing the module and then choosing the automatic backend
 * (for the kernel, with its BTF read). Both are guesses made from the raw arguments, and both are safe to
 * get wrong: {@link RunCommand} uses the parse only for the bytes it reads itself and the choice
 * only for {@code --backend auto}; otherwise the work is wasted time on another core.
 *
 * @param module            the module being parsed ahead (if an argument is a Wasm file)
 * @param automaticBackend  {@link Backends#automatic()}, completing before the backend is prepared
 */
record RunHeadStart(EarlyParse module, CompletableFuture<Backends.Choice> automaticBackend) {
    /** Starts both; {@code args} is wbpf's whole command line. */
    static RunHeadStart start(String... args) {
        EarlyParse module = EarlyParse.startFirstOf(moduleCandidates(args));
        // the parse is needed first (the guest's first load comes ~25 ms after it): on two cores
        // shared with picocli it should not also share one with the backend's work
        return new RunHeadStart(module, chooseInBackground(() -> {
            module.awaitEnd();
            return Backends.automatic();
        }));
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
            choice.complete(chosen);
            chosen.backend().prepare();
        });
        return choice;
    }

    /**
     * The arguments after {@code run} that are not options: the first Wasm file among them is the
     * module, unless an option's value is itself a Wasm file (then the guess is wrong, and harmless).
     */
    private static List<Path> moduleCandidates(String... args) {
        List<Path> candidates = new ArrayList<>();
        int run = Arrays.asList(args).indexOf("run");
        for (int i = run + 1; run >= 0 && i < args.length; i++) {
            if (!args[i].startsWith("-")) {
                try {
                    candidates.add(Path.of(args[i]));
                } catch (InvalidPathException notAPath) {
                    // an option's value
                }
            }
        }
        return candidates;
    }
}
