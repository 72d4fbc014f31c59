package dev.wbpf.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The training runs of the launcher's JDK AOT caches ({@code ./wbpf}), in one JVM each, so that the
 * classes the commands load (picocli, the BPF object reader, Chicory's runtime, compiler and WASI,
 * the backends) are in the cache. Output is discarded. The JVM loads every class of a cache when
 * it starts, so {@code wbpf run} gets a cache of its own, trained on runs only: the cache trained
 * on every command holds a third more classes and makes the JVM start ~90 ms later. Runs of a
 * package reference ({@code wbpf run REF}) get a third, with the package store's classes, which
 * would cost file runs ~20 ms.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=... -cp wbpf-cli.jar dev.wbpf.cli.AotTraining REPO run|run-package|all}
 */
public final class AotTraining {
    private AotTraining() {
    }

    /** Runs each module briefly in a JVM of its own, which compiles it into the cache if it is not there. */
    private static void compileInAnotherJvm(Path... modules) {
        for (Path module : modules) {
            if (Files.isRegularFile(module)) {
                inAnotherJvm(List.of(), "run", "--backend", "vm", "--timeout", "1ms", module.toString());
            }
        }
    }

    /** Runs wbpf with these arguments in a JVM of its own (output discarded); false if it did not end well. */
    private static boolean inAnotherJvm(List<String> jvmOptions, String... wbpfArgs) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        command.addAll(jvmOptions);
        command.add(Main.class.getName());
        command.addAll(List.of(wbpfArgs));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * {@code wbpf run REF} of a package in a store of its own (the package store's and its
     * formats' classes: ~300 ms of cold code otherwise). Another JVM builds the package, so that
     * building's own classes stay out.
     */
    private static void runPackage(Path module) throws IOException {
        Path store = Files.createTempDirectory("wbpf-aot-store");
        String ref = "localhost/wbpf-aot-training/" + module.getFileName().toString().replace(".wasm", "") + ":1";
        try {
            if (inAnotherJvm(List.of("-Dwbpf.home=" + store), "build", "-t", ref, module.toString())) {
                System.setProperty("wbpf.home", store.toString());
                Main.run("run", "--backend", "auto", "--timeout", "1500ms", ref);
            }
        } finally {
            System.clearProperty("wbpf.home");
            try (var files = Files.walk(store)) {
                for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    public static void main(String[] args) {
        Path repo = Path.of(args.length > 0 ? args[0] : ".");
        String training = args.length > 1 ? args[1] : "all";
        Path objects = repo.resolve("testdata/bpf/out");
        Path guest = repo.resolve("wasm-host/src/test/resources/guests/guest.wasm");
        Path execsnoop = repo.resolve("bpf-guest/examples/execsnoop/execsnoop.wasm");
        PrintStream out = System.out;
        PrintStream err = System.err;
        var nul = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nul);
        System.setErr(nul);
        try {
            if (training.equals("all")) {
                Main.run("--help"); // every command's model
                Main.run("inspect", "--json", "--disasm", objects.resolve("execsnoop.bpf.o").toString());
            }
            // The runs below are usual ones, with the modules' classes in the compiled-module
            // cache: another JVM compiles them first, so that the compiler's classes (ASM's and
            // Chicory's) stay out of this AOT cache, which the JVM loads whole at every start. A
            // module's first run loads them from the jars.
            compileInAnotherJvm(guest, execsnoop);
            if (training.equals("run-package")) {
                // only `wbpf run REF`: the store's classes would make every file run start later
                if (Files.isRegularFile(execsnoop)) {
                    runPackage(execsnoop);
                }
                return;
            }
            if (Files.isRegularFile(guest)) {
                // Chicory with the VM backend: load, map operations, close; no root needed
                Main.run("run", "--backend", "vm", "--dir", objects + ":/data", guest.toString(),
                        "load", "/data/xdp_parse.bpf.o", "fd", "counters", "lookup", "0", "update", "0", "1", "close");
                Main.run("run", "--interpreter", guest.toString(), "exit", "0");
            }
            if (Files.isRegularFile(execsnoop)) {
                // a real module on the kernel where it can run (root): load, attach, ring buffer polls
                Main.run("run", "--backend", "auto", "--timeout", "1500ms", execsnoop.toString());
            }
        } catch (IOException e) {
            // no temporary store: trained without a package run
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
