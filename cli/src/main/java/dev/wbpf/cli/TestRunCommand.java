package dev.wbpf.cli;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.core.backend.BpfObject;
import dev.wbpf.core.backend.BpfProgram;
import dev.wbpf.core.backend.LoadOptions;
import dev.wbpf.core.backend.TestRunnable;
import dev.wbpf.vm.Engine;
import dev.wbpf.vm.backend.VmBackend;
import dev.wbpf.vm.load.LoadSettings;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
import dev.wbpf.core.prog.ProgramType;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf test-run X.bpf.o --program NAME --data FILE}: BPF_PROG_TEST_RUN through a backend. */
@Command(name = "test-run", mixinStandardHelpOptions = true,
        description = "Run one program of a BPF object on given input (like BPF_PROG_TEST_RUN) and print its result.")
final class TestRunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "OBJECT", description = "A BPF ELF object (X.bpf.o).")
    Path object;

    @Option(names = "--program", required = true, paramLabel = "NAME", description = "The program (function name) to run.")
    String program;

    @Option(names = "--data", paramLabel = "FILE", description = "Packet bytes (XDP, tc, socket filter programs).")
    Path data;

    @Option(names = "--ctx", paramLabel = "FILE", description = "Context struct bytes (xdp_md, __sk_buff, raw tracepoint u64 args, syscall buffer).")
    Path ctx;

    @Option(names = "--repeat", paramLabel = "N", defaultValue = "1", description = "Runs to time (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--backend", paramLabel = "NAME", defaultValue = "vm",
            description = "Backend: vm (default; no privileges needed), kernel, or auto.")
    String backend;

    @Option(names = "--jit", description = "On the vm backend: run on the compiler to JVM bytecode instead of the interpreter.")
    boolean jit;

    @Option(names = "--data-out", paramLabel = "FILE", description = "Write the packet after the run here.")
    Path dataOut;

    @Option(names = "--ctx-out", paramLabel = "FILE", description = "Write the context after the run here.")
    Path ctxOut;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        BpfObjectSpec parsed = BpfObjectReader.read(existing(object));
        byte[] dataIn = data == null ? new byte[0] : Files.readAllBytes(existing(data));
        byte[] ctxIn = ctx == null ? null : Files.readAllBytes(existing(ctx));
        if (jit && !backend.equals(VmBackend.NAME)) {
            throw new BpfException("--jit selects the vm backend's compiler; it cannot be used with --backend " + backend, BpfException.EINVAL);
        }
        BpfBackend chosen = jit ? VmBackend.standard(LoadSettings.defaults().withEngine(Engine.COMPILER))
                : backend.equals("auto") ? Backends.automatic().backend()
                : Backends.named(backend).orElseThrow(() -> new BpfException("no backend `" + backend + "` here; available: "
                        + Backends.providers().stream().map(p -> p.name()).collect(Collectors.joining(", ")), BpfException.ENOENT));
        try (BpfObject loaded = chosen.load(parsed, LoadOptions.defaults().withLog(line -> spec.commandLine().getErr().println("wbpf: " + line)))) {
            BpfProgram prog = loaded.program(program).orElseThrow(() -> new BpfException("object " + object + " has no program `" + program
                    + "`; it has " + loaded.programs().stream().map(BpfProgram::name).collect(Collectors.joining(", ")), BpfException.ENOENT));
            if (!(prog instanceof TestRunnable runnable)) {
                throw new BpfException("the " + chosen.name() + " backend cannot test-run programs", BpfException.EOPNOTSUPP);
            }
            TestRunnable.Result r = runnable.testRun(new TestRunnable.Input(dataIn, ctxIn, repeat));
            if (dataOut != null) {
                Files.write(dataOut, r.dataOut());
            }
            if (ctxOut != null) {
                Files.write(ctxOut, r.contextOut());
            }
            ProgramType type = prog.spec().definition().type();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("program   %s (%s) on %s%s%n", prog.name(), type.displayName(), chosen.name(), jit ? " (compiler)" : "");
            out.printf("retval    %d%s%n", r.retval(), verdict(type, r.retval()));
            out.printf("data out  %d bytes%n", r.dataOut().length);
            out.printf("ctx out   %d bytes%n", r.contextOut().length);
            out.printf(Locale.ROOT, "ns/run    %s%.1f mean over %d run%s%n",
                    r.medianNanos() >= 0 ? r.medianNanos() + " median, " : "", r.meanNanos(), repeat, repeat == 1 ? "" : "s");
            out.flush();
        }
        return 0;
    }

    private static Path existing(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, Files.isDirectory(file) ? "is a directory" : "no such file");
        }
        return file;
    }

    private static String verdict(ProgramType type, int retval) {
        String[] names = switch (type) {
            case XDP -> new String[] {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"};
            case SCHED_CLS, SCHED_ACT -> new String[] {"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
                    "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT"};
            default -> new String[0];
        };
        if (type == ProgramType.SCHED_CLS && retval == -1) {
            return " (TC_ACT_UNSPEC)";
        }
        return retval >= 0 && retval < names.length ? " (" + names[retval] + ")" : "";
    }
}
