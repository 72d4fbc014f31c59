package dev.wbpf.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The training runs of the launcher's JDK AOT caches ({@code ./wbpf}), in one JVM each, so that the
 * classes the commands load (picocli, the BPF object reader, Chicory's runtime, compiler and WASI,
 * the backends) are in the cache. Output is discarded. The JVM loads every class of a cache when
 * it starts, so {@code wbpf run} gets a cache of its own, trained on runs only: the cache trained
 * on every command holds a third more classes and makes the JVM start ~90 ms later.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=... -cp wbpf-cli.jar dev.wbpf.cli.AotTraining REPO run|all}
 */
public final class AotTraining {
    private AotTraining() {
    }

    /** Runs each module briefly in a JVM of its own, which compiles it into the cache if it is not there. */
    private static void compileInAnotherJvm(Path... modules) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Path module : modules) {
            if (!Files.isRegularFile(module)) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                        System.getProperty("java.class.path"), Main.class.getName(), "run", "--backend", "vm",
                        "--timeout", "1ms", module.toString())
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                p.waitFor();
            } catch (IOException e) {
                // trained on first runs then
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public static void main(String[] args) {
        Path repo = Path.of(args.length > 0 ? args[0] : ".");
        boolean runOnly = args.length > 1 && args[1].equals("run");
        Path objects = repo.resolve("testdata/bpf/out");
        Path guest = repo.resolve("wasm-host/src/test/resources/guests/guest.wasm");
        Path execsnoop = repo.resolve("bpf-guest/examples/execsnoop/execsnoop.wasm");
        PrintStream out = System.out;
        PrintStream err = System.err;
        var nul = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(nul);
        System.setErr(nul);
        try {
            if (!runOnly) {
                Main.run("--help"); // every command's model
                Main.run("inspect", "--json", "--disasm", objects.resolve("execsnoop.bpf.o").toString());
            }
            // The runs below are usual ones, with the modules' classes in the compiled-module
            // cache: another JVM compiles them first, so that the compiler's classes (ASM's and
            // Chicory's) stay out of this AOT cache, which the JVM loads whole at every start. A
            // module's first run loads them from the jars.
            compileInAnotherJvm(guest, execsnoop);
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
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
