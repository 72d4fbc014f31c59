package dev.wbpf.examples.embedding;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import java.io.PrintStream;

/**
 * A JVM application that embeds wbpf, in two parts: a BPF object loaded directly into the kernel
 * (as root) or the in-JVM VM ({@link DirectObjectDemo}), and a Wasm module run and stopped
 * ({@link WasmModuleDemo}).
 *
 * <pre>usage: EmbeddingExample [--backend auto|kernel|vm] [--events N]</pre>
 *
 * Exit code 0 when both parts saw what they expected, 1 when not, 2 for a usage error.
 */
public final class EmbeddingExample {
    private EmbeddingExample() {
    }

    public static void main(String[] args) throws Exception {
        System.exit(run(args, System.out));
    }

    static int run(String[] args, PrintStream out) throws Exception {
        String backendName = "auto";
        int events = 5;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (args[i]) {
                case "--backend" -> backendName = value;
                case "--events" -> events = value == null || !value.matches("[1-9][0-9]{0,3}") ? -1 : Integer.parseInt(value);
                default -> {
                    return usage(out, "unknown argument " + args[i]);
                }
            }
            i++;
            if (value == null || events < 0) {
                return usage(out, args[i - 1] + " needs a value (a backend name, or a number of events from 1 to 9999)");
            }
        }
        BpfBackend backend;
        try {
            if (backendName.equals("auto")) {
                Backends.Choice choice = Backends.automatic();
                backend = choice.backend();
                out.println("backend: " + choice.reason());
            } else {
                String wanted = backendName;
                backend = Backends.named(wanted).orElseThrow(() -> new BpfException("no backend named " + wanted
                        + " (kernel or vm)", BpfException.ENOENT));
                BpfBackend.Availability availability = backend.availability();
                if (!availability.available()) {
                    out.println("the " + wanted + " backend cannot load programs here: " + availability.reason());
                    return 1;
                }
                out.println("backend: " + wanted + ": " + availability.reason());
            }
        } catch (BpfException e) {
            out.println(e.getMessage());
            return 1;
        }

        out.println("== a BPF object, loaded directly");
        boolean direct = new DirectObjectDemo(out, backend, events).run();
        out.println("== a Wasm module, run and stopped");
        boolean wasm = new WasmModuleDemo(out).run();
        out.println(direct && wasm ? "OK" : "FAILED: " + (direct ? "" : "the BPF object part" + (wasm ? "" : " and "))
                + (wasm ? "" : "the Wasm part"));
        return direct && wasm ? 0 : 1;
    }

    private static int usage(PrintStream out, String problem) {
        out.println(problem);
        out.println("usage: EmbeddingExample [--backend auto|kernel|vm] [--events N]");
        return 2;
    }
}
