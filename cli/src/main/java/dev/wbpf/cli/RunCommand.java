package dev.wbpf.cli;

import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import dev.wbpf.vm.backend.VmBackend;
import dev.wbpf.vm.hook.VmNetwork;
import dev.wbpf.wasm.CompiledModuleCache;
import dev.wbpf.wasm.RunResult;
import dev.wbpf.wasm.StopReason;
import dev.wbpf.wasm.WasmBpfModule;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/** {@code wbpf run MODULE.wasm [ARGS...]}: runs a wasm-bpf guest. */
final class RunCommand implements Callable<Integer> {

    /**
     * The command line's model, built in code rather than read from annotations: picocli reads
     * annotations by reflection and the JDK makes a proxy class per annotation type at run time,
     * which the AOT cache cannot keep (~30 ms CPU of {@code wbpf run}'s start-up).
     */
    private final CommandSpec spec = ModelParts.withStandardHelpOptions(CommandSpec.wrapWithoutInspection(this));

    private final PositionalParamSpec moduleParam = add(PositionalParamSpec.builder().index("0").arity("1").required(true).paramLabel("MODULE")
            .type(Path.class)
            .description("The module (.wasm), or a package reference (HOST/REPO:TAG; pulled unless in the local store).",
                    "As given, it is the guest's argv[0]."));
    private final PositionalParamSpec argsParam = add(PositionalParamSpec.builder().index("1..*").arity("0..*").paramLabel("ARGS")
            .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
            .description("Arguments for the module."));
    private final OptionSpec backendOption = add(OptionSpec.builder("--backend").paramLabel("auto|kernel|vm")
            .type(String.class).defaultValue("auto")
            .description("Where BPF programs run: the Linux kernel, the in-JVM VM, or auto (the kernel where it can load programs, else the VM). Default: ${DEFAULT-VALUE}."));
    private final OptionSpec envOption = add(OptionSpec.builder("--env").paramLabel("KEY=VALUE")
            .type(Map.class).auxiliaryTypes(String.class, String.class).initialValue(new LinkedHashMap<String, String>())
            .description("Set an environment variable for the module (repeatable). The module sees no environment unless asked."));
    private final OptionSpec envInheritOption = add(ModelParts.flag("--env-inherit")
            .description("Pass wbpf's whole environment to the module."));
    private final OptionSpec dirOption = add(OptionSpec.builder("--dir").paramLabel("HOST[:GUEST]")
            .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
            .description("Give the module a host directory, under GUEST (default: the same path) (repeatable)."));
    private final OptionSpec timeoutOption = add(OptionSpec.builder("--timeout").paramLabel("DURATION")
            .type(Duration.class).converters(new DurationConverter())
            .description("Stop the module after this long (e.g. 500ms, 10s, 2m, PT1H); exit status 124."));
    private final OptionSpec interpreterOption = add(ModelParts.flag("--interpreter")
            .description("Interpret the module instead of compiling it to JVM bytecode."));
    private final OptionSpec noCacheOption = add(ModelParts.flag("--no-cache")
            .description("Do not keep compiled modules between runs (in $XDG_CACHE_HOME/wbpf or ~/.cache/wbpf)."));
    private final OptionSpec verboseOption = add(ModelParts.flag("-v", "--verbose")
            .description("Say which backend and engine are used, and why; with --pcap, what went through each VM interface."));
    private final OptionSpec pcapOption = add(OptionSpec.builder("--pcap").paramLabel("[IFACE=]FILE")
            .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
            .description("VM backend (chosen by --backend auto): replay this pcap or pcapng capture (Ethernet) into VM interface IFACE"
                    + " (default lo, created if missing) once a program has attached there; the module runs on until it exits (repeatable)."));
    private final OptionSpec pcapOutOption = add(OptionSpec.builder("--pcap-out").paramLabel("[IFACE=]FILE")
            .type(List.class).auxiliaryTypes(String.class).initialValue(new ArrayList<String>())
            .description("VM backend: write the packets that pass VM interface IFACE (default lo) to this pcap file (repeatable)."));

    private final RegistryOptions registry = new RegistryOptions();

    /** Work begun before the command line was read; null when none was. */
    private final RunHeadStart headStart;

    // the parsed values, taken from the model when the command runs
    private Path module;
    private String backend;
    private boolean interpreter;
    /** Where compiled modules are kept for this run; null for none (--interpreter, --no-cache, no writable home). */
    private CompiledModuleCache cache;
    private boolean verbose;

    RunCommand(RunHeadStart headStart) {
        this.headStart = headStart;
        spec.name("run").addMixin("registry", registry.spec());
        spec.usageMessage()
                .description("Run a wasm-bpf module (a WASI command that loads BPF objects through the wasm_bpf imports).",
                        "Everything after MODULE is passed to the module; its exit status is wbpf's.")
                .exitCodeListHeading("%nExit status:%n")
                .exitCodeList(exitCodes());
    }

    /** The model picocli parses {@code run}'s command line with; running it calls {@link #call()}. */
    CommandSpec spec() {
        return spec;
    }

    private static Map<String, String> exitCodes() {
        Map<String, String> codes = new LinkedHashMap<>();
        codes.put("N", "the module's exit status");
        codes.put("1", "wbpf could not run the module (the message says why)");
        codes.put("124", "--timeout expired");
        codes.put("130", "interrupted (Ctrl-C)");
        codes.put("143", "terminated (SIGTERM)");
        return codes;
    }

    private OptionSpec add(OptionSpec.Builder option) {
        OptionSpec built = option.build();
        spec.addOption(built);
        return built;
    }

    private PositionalParamSpec add(PositionalParamSpec.Builder param) {
        PositionalParamSpec built = param.build();
        spec.addPositional(built);
        return built;
    }

    @Override
    public Integer call() throws java.io.IOException {
        if (headStart != null) {
            headStart.commandLineRead();
        }
        module = moduleParam.getValue();
        backend = backendOption.getValue();
        interpreter = ModelParts.isSet(interpreterOption);
        cache = compiledModuleCache(interpreter, ModelParts.isSet(noCacheOption));
        verbose = ModelParts.isSet(verboseOption);
        List<String> args = argsParam.getValue();
        List<String> pcaps = pcapOption.getValue();
        List<String> pcapOuts = pcapOutOption.getValue();
        Duration timeout = timeoutOption.getValue();
        PrintStream err = System.err;
        PrintStream out = System.out;
        // MODULE may be a package reference: the head start may have read it from the local store already
        byte[] packaged = headStart != null ? headStart.storedPackage(module) : null;
        if (packaged == null) {
            packaged = PackageModules.resolve(module, registry, err);
        }
        if (Files.isDirectory(module)) {
            throw new CommandLine.ParameterException(spec.commandLine(), module + " is a directory, not a WebAssembly module");
        }
        WasmBpfModule.Builder builder = WasmBpfModule.builder()
                .path(module)
                .args(args)
                .stdin(System.in)
                .stdout(out, isTerminal())
                .stderr(err, isTerminal())
                .engine(interpreter ? WasmBpfModule.Engine.INTERPRETER : WasmBpfModule.Engine.COMPILER)
                .log(line -> err.println("wbpf: " + line));
        PacketCaptures captures = null;
        if (pcaps.isEmpty() && pcapOuts.isEmpty()) {
            builder.backend(chosenInBackground(backendChooser(), err));
        } else {
            VmBackend vm = vmBackendForCaptures(err);
            captures = PacketCaptures.open(vm.attachPoint(VmNetwork.class).orElseThrow(), specs("--pcap", pcaps),
                    specs("--pcap-out", pcapOuts));
            builder.backend(vm);
        }
        if (packaged != null) {
            builder.bytes(module.toString(), packaged);
        }
        if (headStart != null) {
            builder.earlyParse(headStart.module());
        }
        if (cache != null) {
            builder.compiledModuleCache(cache).compileInBackgroundOnCacheMiss(true);
        } else if (verbose && !interpreter && !ModelParts.isSet(noCacheOption)) {
            err.println("wbpf: compiled modules cannot be kept in " + CompiledModuleCache.defaultLocation().directory()
                    + " (not a writable directory): the module is compiled on every run");
        }
        if (ModelParts.isSet(envInheritOption)) {
            builder.inheritEnv();
        }
        envOption.<Map<String, String>>getValue().forEach(builder::env);
        for (String dir : dirOption.<List<String>>getValue()) {
            int colon = dir.indexOf(':');
            String host = colon < 0 ? dir : dir.substring(0, colon);
            String guest = colon < 0 ? dir : dir.substring(colon + 1);
            if (!Files.isDirectory(Path.of(host))) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--dir " + dir + ": " + host + " is not a directory");
            }
            builder.directory(Path.of(host), guest);
        }
        long t0 = System.nanoTime();
        try (PacketCaptures closedLast = captures; WasmBpfModule wasm = builder.build()) {
            if (verbose) {
                err.printf("wbpf: %s parsed, checked and made ready for its engine in %d ms%n", module,
                        (System.nanoTime() - t0) / 1_000_000);
            }
            // the guest starts first: installing the handlers is cold code (a proxy class) that
            // need not delay it
            CompletableFuture<RunResult> running = wasm.start(timeout);
            RunResult result;
            try (Signals ignored = Signals.install(wasm)) {
                result = joinRethrowingCause(running);
            }
            out.flush();
            err.flush();
            if (verbose) {
                err.printf("wbpf: %s ended (%s) with status %d after %d ms; engine: %s%n", module,
                        result.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' '), result.exitCode(),
                        result.elapsed().toMillis(), engineDescription(wasm));
            }
            if (captures != null) {
                captures.close();
                captures.report(err, verbose);
            }
            return result.exitCode();
        }
    }

    /** Captures feed the VM's interfaces: the kernel's take packets from the wire, so {@code --pcap} asks for the VM. */
    private VmBackend vmBackendForCaptures(PrintStream err) {
        if (backend.equals("kernel")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pcap and --pcap-out feed and record the VM's interfaces;"
                    + " on the kernel backend programs see real interfaces (capture with tcpdump): drop them or use --backend vm");
        }
        if (!backend.equals("auto") && !backend.equals("vm")) {
            backendChooser(); // the usage error for a bad name
        }
        VmBackend vm = VmBackend.standard();
        if (verbose) {
            err.println("wbpf: backend vm (" + (backend.equals("vm") ? "asked for" : "--pcap replays into VM interfaces")
                    + "): " + vm.availability().reason());
        }
        return vm;
    }

    private List<PacketCaptures.Spec> specs(String option, List<String> values) {
        try {
            return values.stream().map(v -> PacketCaptures.Spec.parse(option, v)).toList();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }

    private String engineDescription(WasmBpfModule wasm) {
        if (wasm.engineUsed() == WasmBpfModule.Engine.INTERPRETER) {
            return interpreter ? "interpreter (asked for)"
                    : wasm.compilingForLaterRuns() ? "interpreter (first run: compiled meanwhile, for the next runs, into "
                            + cache.directory() + ")"
                    : "interpreter (the compiler failed, see above)";
        }
        return "compiler" + (cache == null ? "" : " (compiled modules kept in " + cache.directory() + ")");
    }

    private static boolean isTerminal() {
        var console = System.console();
        return console != null && console.isTerminal();
    }

    /** How {@code --backend} chooses: a usage error for a name that is none of auto, kernel or vm. */
    private Supplier<Backends.Choice> backendChooser() {
        return switch (backend) {
            case "auto" -> Backends::automatic;
            case "kernel", "vm" -> () -> {
                BpfBackend b = Backends.named(backend).orElseThrow(() -> new BpfException(
                        "the " + backend + " backend is not installed (no provider on the class path)", BpfException.EOPNOTSUPP));
                BpfBackend.Availability availability = b.availability();
                if (!availability.available()) {
                    throw new BpfException("the " + backend + " backend cannot run programs here: " + availability.reason(),
                            BpfException.EOPNOTSUPP);
                }
                return new Backends.Choice(b, backend + " (asked for): " + availability.reason());
            };
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--backend must be auto, kernel or vm, not '" + backend + "'");
        };
    }

    /**
     * The backend, chosen on another thread (for {@code auto} started before picocli read the
     * command line, see {@link RunHeadStart}) so that choosing and preparing it (the kernel's BTF)
     * overlap the module's parsing and instantiation instead of following them. The guest's
     * first load waits for the choice and reports a failure to choose, as when it made the choice
     * itself; a module that loads nothing never asks.
     */
    private Supplier<BpfBackend> chosenInBackground(Supplier<Backends.Choice> chooser, PrintStream err) {
        CompletableFuture<Backends.Choice> choice = backend.equals("auto") && headStart != null
                ? headStart.automaticBackend()
                : RunHeadStart.chooseInBackground(chooser);
        return () -> {
            Backends.Choice chosen = joinRethrowingCause(choice);
            if (verbose) {
                err.println("wbpf: backend " + chosen.reason());
            }
            return chosen.backend();
        };
    }

    /**
     * Where {@code run} keeps compiled modules: nowhere with {@code --interpreter} or
     * {@code --no-cache}, or where no cache directory can be written (then it compiles every run).
     */
    static CompiledModuleCache compiledModuleCache(boolean interpreter, boolean noCache) {
        return interpreter || noCache ? null : CompiledModuleCache.defaultIfWritable().orElse(null);
    }

    /** The future's value, or what it failed with as thrown where it failed (not wrapped). */
    private static <T> T joinRethrowingCause(CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /** Durations as people write them: 500ms, 10s, 2m, 1h, or ISO-8601 (PT10S). */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)?");

        @Override
        public Duration convert(String value) {
            Matcher m = SIMPLE.matcher(value.trim().toLowerCase(Locale.ROOT));
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                String unit = m.group(2) == null ? "s" : m.group(2);
                return switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(n);
                    case "h" -> Duration.ofHours(n);
                    default -> Duration.ofSeconds(n);
                };
            }
            try {
                return Duration.parse(value);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 10s, 2m, 1h)");
            }
        }
    }

    /**
     * SIGINT and SIGTERM stop the guest (its objects are closed and links detached as the run
     * unwinds) and give 130/143; a shutdown hook covers other ways the JVM is asked to exit.
     * {@code sun.misc.Signal} is reached reflectively, so the build stays free of internal-API
     * warnings and a JVM without it still runs modules (signals then end the JVM's default way,
     * through the shutdown hook).
     */
    static final class Signals implements AutoCloseable {
        private final List<Runnable> restore = new ArrayList<>();
        private final java.util.concurrent.atomic.AtomicBoolean signalled = new java.util.concurrent.atomic.AtomicBoolean();

        static Signals install(WasmBpfModule wasm) {
            Signals s = new Signals();
            s.handle("INT", wasm, StopReason.INTERRUPT);
            s.handle("TERM", wasm, StopReason.TERMINATE);
            Thread hook = new Thread(() -> wasm.stopAndWait(StopReason.TERMINATE, Duration.ofSeconds(3)), "wbpf-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            s.restore.add(() -> {
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
            });
            return s;
        }

        private void handle(String name, WasmBpfModule wasm, StopReason reason) {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                Object signal = signalClass.getConstructor(String.class).newInstance(name);
                Object handler = java.lang.reflect.Proxy.newProxyInstance(handlerClass.getClassLoader(),
                        new Class<?>[] {handlerClass}, (proxy, method, args) -> {
                            if (method.getName().equals("handle")) {
                                if (signalled.getAndSet(true)) {
                                    // a second signal: the guest is stuck in a host call that does not
                                    // notice interrupts; the kernel releases our BPF fds as we die
                                    Runtime.getRuntime().halt(reason.exitCode());
                                }
                                wasm.stop(reason);
                                return null;
                            }
                            return switch (method.getName()) {
                                case "hashCode" -> System.identityHashCode(proxy);
                                case "equals" -> proxy == args[0];
                                default -> "wbpf " + name + " handler";
                            };
                        });
                var handle = signalClass.getMethod("handle", signalClass, handlerClass);
                Object old = handle.invoke(null, signal, handler);
                restore.add(() -> {
                    try {
                        handle.invoke(null, signal, old);
                    } catch (ReflectiveOperationException e) {
                        // leave ours in place
                    }
                });
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                // no sun.misc.Signal (or the signal is reserved): the shutdown hook still stops the guest
            }
        }

        @Override
        public void close() {
            restore.reversed().forEach(Runnable::run);
        }
    }
}
