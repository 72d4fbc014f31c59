package dev.wbpf.wasm;

import com.dylibso.chicory.log.Logger;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExecutionCompletedException;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.StackFrame;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.Import;
import com.dylibso.chicory.wasm.types.NameCustomSection;
import dev.wbpf.core.StartupTrace;
import dev.wbpf.core.backend.Backends;
import dev.wbpf.core.backend.BpfBackend;
import dev.wbpf.core.backend.BpfException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A wasm-bpf guest module, parsed and checked, ready to {@link #run()}: the embedding API and
 * what {@code wbpf run} uses.
 *
 * <pre>{@code
 * try (var module = WasmBpfModule.builder().path(Path.of("execsnoop.wasm")).args(List.of("-v")).build()) {
 *     RunResult result = module.run(Duration.ofSeconds(10));
 * }
 * }</pre>
 *
 * <p>The guest runs on its own thread; {@link #stop(StopReason)} interrupts it from any thread
 * (Chicory's interpreter and compiled code check the thread's interrupt flag at calls and
 * backward branches, and WASI sleeps are interruptible), after which every BPF object the guest
 * loaded is closed and its links detached.
 */
public final class WasmBpfModule implements AutoCloseable {

    /** How every Wasm module begins: {@code \0asm} (also checked by {@link EarlyParse} and {@link ModuleContents}). */
    static final byte[] WASM_MAGIC = {0x00, 0x61, 0x73, 0x6d};
    private static final Pattern COMPILED_FUNC = Pattern.compile("func_(\\d+)");
    private static final Pattern FRAME_ID = Pattern.compile("\\[(\\d+)]$");
    /** How long {@link #close()} waits for a compile for later runs (large modules take seconds). */
    private static final Duration COMPILE_WAIT = Duration.ofSeconds(60);

    /** How guest code is executed. */
    public enum Engine {
        /** Chicory's compiler to JVM bytecode, interpreting functions it cannot compile. */
        COMPILER,
        /** Chicory's interpreter. */
        INTERPRETER
    }

    private final String name;
    private final WasmModule module;
    private final PreparedModule prepared;
    private final ObjectsReadAhead objectsReadAhead;
    private final Builder options;
    private final Object lock = new Object();
    private Thread guestThread;
    private volatile StopReason stopReason;
    private Engine engineUsed;

    private WasmBpfModule(String name, PreparedModule prepared, ObjectsReadAhead objectsReadAhead, Builder options) {
        this.name = name;
        this.module = prepared.module();
        this.prepared = prepared;
        this.objectsReadAhead = objectsReadAhead;
        this.options = options;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The module's name as given (a path): the guest's {@code argv[0]}. */
    public String name() {
        return name;
    }

    /** Which engine the last run used (after the compiler fell back, {@link Engine#INTERPRETER}). */
    public Engine engineUsed() {
        return engineUsed;
    }

    /** Runs {@code _start} to completion. */
    public RunResult run() {
        return run(null);
    }

    /**
     * Runs {@code _start}; after {@code timeout} (null = none) the guest is stopped as by
     * {@link #stop(StopReason) stop(TIMEOUT)}.
     *
     * @throws WasmTrapException if the guest traps
     * @throws WasmHostException if it cannot be instantiated
     */
    public RunResult run(Duration timeout) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        long start = System.nanoTime();
        Thread thread = launch(outcome);
        return finish(thread, outcome, timeout, start);
    }

    /**
     * Starts the guest in the background; the future completes with the result or the
     * {@link WasmHostException}. {@link #stop(StopReason)} ends it early, also right after this returns.
     */
    public java.util.concurrent.CompletableFuture<RunResult> start(Duration timeout) {
        AtomicReference<Object> outcome = new AtomicReference<>();
        long start = System.nanoTime();
        Thread thread = launch(outcome);
        var future = new java.util.concurrent.CompletableFuture<RunResult>();
        Thread.ofPlatform().name("wasm-run").daemon(true).start(() -> {
            try {
                future.complete(finish(thread, outcome, timeout, start));
            } catch (RuntimeException | Error e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private Thread launch(AtomicReference<Object> outcome) {
        Thread thread = Thread.ofPlatform().name("wasm-guest").daemon(true).stackSize(64L << 20)
                .unstarted(() -> outcome.set(runOnThisThread()));
        synchronized (lock) {
            if (guestThread != null) {
                throw new IllegalStateException(name + " is already running");
            }
            stopReason = null;
            guestThread = thread;
        }
        thread.start();
        return thread;
    }

    private RunResult finish(Thread thread, AtomicReference<Object> outcome, Duration timeout, long start) {
        try {
            boolean finished = join(thread, timeout);
            if (!finished) {
                stop(StopReason.TIMEOUT);
                join(thread, null);
            }
        } finally {
            synchronized (lock) {
                guestThread = null;
            }
            flush();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        Object result = outcome.get();
        StopReason reason = stopReason;
        if (reason != null && !(result instanceof Integer)) {
            return new RunResult(reason.exitCode(),
                    reason == StopReason.TIMEOUT ? RunResult.Outcome.TIMED_OUT : RunResult.Outcome.STOPPED, elapsed);
        }
        if (result instanceof Integer code) {
            return new RunResult(code, RunResult.Outcome.EXITED, elapsed);
        }
        if (result instanceof RuntimeException e) {
            throw e;
        }
        if (result instanceof Error e) {
            throw e;
        }
        throw new WasmHostException(name + " ended without a result");
    }

    /** Waits for the thread; false if the timeout expired first. Keeps waiting through interrupts, stopping the guest. */
    private boolean join(Thread thread, Duration timeout) {
        long deadline = timeout == null ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        while (thread.isAlive()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                thread.join(Duration.ofNanos(Math.min(left, Duration.ofDays(1).toNanos())));
            } catch (InterruptedException e) {
                stop(StopReason.REQUESTED);
            }
        }
        return true;
    }

    /**
     * Stops a running guest (no-op when none runs): interrupts its thread; the objects it loaded
     * are closed as the run unwinds. Safe from any thread, e.g. a signal handler.
     */
    public void stop(StopReason reason) {
        Thread thread;
        synchronized (lock) {
            thread = guestThread;
            if (thread == null) {
                return;
            }
            if (stopReason == null) {
                stopReason = Objects.requireNonNull(reason);
            }
        }
        thread.interrupt();
    }

    /** Stops the guest (as {@link StopReason#REQUESTED}) and waits up to {@code wait} for it to unwind. */
    public void stopAndWait(StopReason reason, Duration wait) {
        Thread thread;
        synchronized (lock) {
            thread = guestThread;
        }
        stop(reason);
        if (thread != null) {
            try {
                thread.join(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Stops the guest, and waits for a compile into the cache started for later runs (see
     * {@link Builder#compileInBackgroundOnCacheMiss}), so that the next run finds it.
     */
    @Override
    public void close() {
        stopAndWait(StopReason.REQUESTED, Duration.ofSeconds(5));
        if (prepared.compilingForLaterRuns() != null) {
            try {
                String failure = prepared.compilingForLaterRuns().get(COMPILE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
                if (failure != null) {
                    options.log.accept("compiling " + name + " for later runs failed (this run was interpreted): " + failure);
                }
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // the next run compiles again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Whether this run is interpreted while the module is compiled into the cache for later runs. */
    public boolean compilingForLaterRuns() {
        return prepared.compilingForLaterRuns() != null;
    }

    private void flush() {
        for (OutputStream out : new OutputStream[] {options.stdout, options.stderr}) {
            try {
                out.flush();
            } catch (IOException e) {
                // nothing more we can do for a closed stream
            }
        }
    }

    /** Runs on the guest thread; returns the exit code or the exception to rethrow. */
    private Object runOnThisThread() {
        WasiOptions.Builder wasiOptions = WasiOptions.builder()
                .withStdin(options.stdin, false)
                .withStdout(options.stdout, options.stdoutIsTty)
                .withStderr(options.stderr, options.stderrIsTty)
                .withArguments(argv());
        options.env.forEach(wasiOptions::withEnvironment);
        options.dirs.forEach(wasiOptions::withDirectory);
        try (WasiPreview1 wasi = WasiPreview1.builder().withOptions(wasiOptions.build()).withLogger(QUIET).build();
             WasmBpfHost bpf = new WasmBpfHost(options.backend, options.log, objectsReadAhead)) {
            List<ImportFunction> functions = new ArrayList<>(List.of(wasi.toHostFunctions()));
            functions.addAll(bpf.hostFunctions());
            StartupTrace.mark("WASI and wasm_bpf host functions ready");
            Instance instance = instantiate(functions);
            StartupTrace.mark("module instantiated (" + engineUsed + ")");
            if (instance.exports() == null || !hasExport("_start")) {
                return new WasmHostException(name + " has no _start export: it is not a WASI command module");
            }
            try {
                instance.export("_start").apply();
                return 0;
            } catch (ExecutionCompletedException e) {
                return 0;
            } catch (WasiExitException e) {
                return e.exitCode();
            } catch (ChicoryInterruptedException e) {
                return stopReason != null ? e : trap(e, instance);
            } catch (ChicoryException e) {
                if (stopReason != null && isInterrupt(e)) {
                    return e;
                }
                return trap(e, instance);
            } catch (StackOverflowError e) {
                return new WasmTrapException(name + " trapped: call stack exhausted" + where(e, instance), null, e);
            }
        } catch (RuntimeException | Error e) {
            return e;
        }
    }

    private static boolean isInterrupt(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException || t instanceof ChicoryInterruptedException) {
                return true;
            }
        }
        return "Thread interrupted".equals(e.getMessage());
    }

    private boolean hasExport(String export) {
        var section = module.exportSection();
        for (int i = 0; i < section.exportCount(); i++) {
            if (section.getExport(i).name().equals(export)) {
                return true;
            }
        }
        return false;
    }

    private List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add(name);
        argv.addAll(options.args);
        return argv;
    }

    private Instance instantiate(List<ImportFunction> functions) {
        ImportValues imports = ImportValues.builder().withFunctions(functions).build();
        if (prepared.compilerFailure() != null) {
            options.log.accept("compiling " + name + " failed, using the interpreter: " + prepared.compilerFailure());
        }
        engineUsed = prepared.engineUsed();
        Function<Instance, Machine> machine = prepared.compiled() != null ? prepared.compiled() : InterpreterWithFrames::new;
        return Instance.builder(module)
                .withImportValues(imports)
                .withMachineFactory(machine)
                .withStart(false)
                .build();
    }

    // ---- traps ----

    private WasmTrapException trap(ChicoryException e, Instance instance) {
        String function = guestFunction(e, instance);
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String text = e instanceof GuestTrap
                ? name + " trapped in host function " + message + (function == null ? "" : " (called from guest function `" + function + "`)")
                : name + " trapped" + (function == null ? "" : " in function `" + function + "`") + ": " + message;
        return new WasmTrapException(text, function, e);
    }

    private String where(Throwable e, Instance instance) {
        String f = guestFunction(e, instance);
        return f == null ? "" : " in function `" + f + "`";
    }

    /** The innermost guest (non-imported) function on the stack, by its name-section name. */
    private String guestFunction(Throwable e, Instance instance) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        // Interpreter: the frames it captured when the exception passed.
        for (Throwable t = e; t != null; t = t.getCause()) {
            for (Throwable s : t.getSuppressed()) {
                if (s instanceof WasmFrames frames) {
                    for (int id : frames.funcIds) {
                        if (id >= imported) {
                            return functionName(id);
                        }
                    }
                }
            }
        }
        // Compiler: compiled functions are methods named func_N.
        for (StackTraceElement el : e.getStackTrace()) {
            Matcher m = COMPILED_FUNC.matcher(el.getMethodName());
            if (m.matches()) {
                int id = Integer.parseInt(m.group(1));
                if (id >= imported) {
                    return functionName(id);
                }
            }
        }
        return null;
    }

    private String functionName(int id) {
        NameCustomSection names = module.nameSection();
        String n = names == null ? null : names.nameOfFunction(id);
        return n != null ? n : "func[" + id + "]";
    }

    /** Carries the interpreter's call stack (innermost first) out with an exception. */
    private static final class WasmFrames extends RuntimeException {
        final List<Integer> funcIds;

        WasmFrames(List<Integer> funcIds) {
            super("wasm frames " + funcIds, null, false, false);
            this.funcIds = funcIds;
        }
    }

    /** The interpreter, recording the Wasm call stack when an exception leaves it. */
    private static final class InterpreterWithFrames extends InterpreterMachine {
        InterpreterWithFrames(Instance instance) {
            super(instance);
        }

        @Override
        protected long[] call(com.dylibso.chicory.runtime.MStack stack, Instance instance, Deque<StackFrame> callStack,
                              int funcId, long[] args, FunctionType callType, boolean popResults) {
            try {
                return super.call(stack, instance, callStack, funcId, args, callType, popResults);
            } catch (ChicoryException e) {
                boolean recorded = false;
                for (Throwable s : e.getSuppressed()) {
                    recorded |= s instanceof WasmFrames;
                }
                if (!recorded) {
                    List<Integer> ids = new ArrayList<>();
                    for (StackFrame frame : callStack) {
                        Matcher m = FRAME_ID.matcher(frame.toString().lines().findFirst().orElse(""));
                        if (m.find()) {
                            ids.add(Integer.parseInt(m.group(1)));
                        }
                    }
                    if (!ids.contains(funcId)) {
                        ids.addFirst(funcId); // its frame was popped on the way out
                    }
                    e.addSuppressed(new WasmFrames(ids));
                }
                throw e;
            }
        }
    }

    private static final Logger QUIET = new Logger() {
        @Override
        public void log(Level level, String msg, Throwable throwable) {
        }

        @Override
        public boolean isLoggable(Level level) {
            return false;
        }
    };

    // ---- building ----

    /** Options for a module; {@link #build()} parses and checks it. */
    public static final class Builder {
        private String name;
        private byte[] bytes;
        private Path path;
        private List<String> args = List.of();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, Path> dirs = new LinkedHashMap<>();
        private InputStream stdin = InputStream.nullInputStream();
        private OutputStream stdout = System.out;
        private OutputStream stderr = System.err;
        private boolean stdoutIsTty;
        private boolean stderrIsTty;
        private Engine engine = Engine.COMPILER;
        private Supplier<BpfBackend> backend = () -> Backends.automatic().backend();
        private Consumer<String> log = line -> System.err.println("wbpf: " + line);
        private com.dylibso.chicory.compiler.Cache cache;
        private boolean compileInBackground;
        private EarlyParse earlyParse;

        private Builder() {
        }

        /** A parse started ahead of {@link #build()}; used only if it parsed the same bytes build reads. */
        public Builder earlyParse(EarlyParse earlyParse) {
            this.earlyParse = earlyParse;
            return this;
        }

        /**
         * Where compiled modules are kept between runs (e.g. {@link CompiledModuleCache#defaultLocation()});
         * none by default, so every run compiles.
         */
        public Builder compiledModuleCache(com.dylibso.chicory.compiler.Cache cache) {
            this.cache = cache;
            return this;
        }

        /**
         * On a miss in a {@link CompiledModuleCache}, run this time in the interpreter and compile
         * the module into the cache on another thread for later runs ({@link #close()} waits for
         * it): a module's first run starts ~200 ms sooner, at the interpreter's speed. Off by
         * default; {@code wbpf run} turns it on.
         */
        public Builder compileInBackgroundOnCacheMiss(boolean compileInBackground) {
            this.compileInBackground = compileInBackground;
            return this;
        }

        /** The module file; its path as given becomes {@code argv[0]}. */
        public Builder path(Path path) {
            this.path = path;
            this.name = path.toString();
            return this;
        }

        /** Module bytes from elsewhere (a registry, a resource); {@code name} becomes {@code argv[0]}. */
        public Builder bytes(String name, byte[] bytes) {
            this.name = name;
            this.bytes = bytes.clone();
            this.path = null;
            return this;
        }

        public Builder args(List<String> args) {
            this.args = List.copyOf(args);
            return this;
        }

        /** Adds an environment variable; the guest sees none unless given. */
        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        /** Passes this process's whole environment to the guest. */
        public Builder inheritEnv() {
            env.putAll(System.getenv());
            return this;
        }

        /** Preopens {@code host} as {@code guest} (e.g. "/data" or "."). */
        public Builder directory(Path host, String guest) {
            dirs.put(guest, host);
            return this;
        }

        public Builder stdin(InputStream in) {
            this.stdin = in;
            return this;
        }

        public Builder stdout(OutputStream out, boolean isTty) {
            this.stdout = out;
            this.stdoutIsTty = isTty;
            return this;
        }

        public Builder stdout(OutputStream out) {
            return stdout(out, false);
        }

        public Builder stderr(OutputStream err, boolean isTty) {
            this.stderr = err;
            this.stderrIsTty = isTty;
            return this;
        }

        public Builder stderr(OutputStream err) {
            return stderr(err, false);
        }

        public Builder engine(Engine engine) {
            this.engine = engine;
            return this;
        }

        /** The backend the guest's objects load into. */
        public Builder backend(BpfBackend backend) {
            this.backend = () -> backend;
            return this;
        }

        /** Chosen when the guest first loads an object (the default: {@code Backends.automatic()}). */
        public Builder backend(Supplier<BpfBackend> backend) {
            this.backend = backend;
            return this;
        }

        /** The runtime's log (load failures, verifier logs, lost events); stderr by default. */
        public Builder log(Consumer<String> log) {
            this.log = log;
            return this;
        }

        /**
         * Reads, parses and checks the module (that it is Wasm and that wbpf provides every import)
         * and, for the compiler, compiles it or loads its compiled classes from the cache.
         *
         * @throws WasmHostException with a message for the user
         */
        public WasmBpfModule build() {
            StartupTrace.mark("command parsed, reading " + name);
            if (name == null) {
                throw new IllegalStateException("no module: call path() or bytes()");
            }
            byte[] data = bytes;
            if (path != null) {
                try {
                    data = Files.readAllBytes(path);
                } catch (NoSuchFileException e) {
                    throw new WasmHostException(name + ": no such file");
                } catch (IOException e) {
                    throw new WasmHostException("cannot read " + name + ": " + e.getMessage(), e);
                }
            }
            if (data.length < 8 || !java.util.Arrays.equals(data, 0, 4, WASM_MAGIC, 0, 4)) {
                throw new WasmHostException(name + " is not a WebAssembly module (it does not start with \\0asm)");
            }
            PreparedModule prepared;
            try {
                var early = earlyParse == null ? java.util.Optional.<PreparedModule>empty()
                        : earlyParse.preparedFor(data, engine, cache, compileInBackground);
                prepared = early.isPresent() ? early.get() : PreparedModule.prepare(data, engine, cache, compileInBackground);
                StartupTrace.mark(early.isPresent() ? "module prepared (on another thread, ahead)" : "module prepared");
            } catch (ChicoryException e) {
                throw new WasmHostException(name + " is not a valid WebAssembly module: " + e.getMessage(), e);
            }
            checkImports(name, prepared.missingImports());
            return new WasmBpfModule(name, prepared,
                    earlyParse == null ? ObjectsReadAhead.none() : earlyParse.objectsFor(data), this);
        }
    }

    /** Every import wbpf provides, with its type: WASI preview1 and the wasm_bpf modules (made once, on first use). */
    private static final class Provided {
        static final Map<String, FunctionType> IMPORTS = provided();
    }

    private static Map<String, FunctionType> provided() {
        Map<String, FunctionType> provided = new HashMap<>();
        try (WasiPreview1 wasi = WasiPreview1.builder().withLogger(QUIET).build()) {
            for (HostFunction f : wasi.toHostFunctions()) {
                provided.put(f.module() + "." + f.name(), f.functionType());
            }
        }
        for (HostFunction f : new WasmBpfHost(() -> {
            throw new BpfException("no backend", BpfException.EOPNOTSUPP);
        }, l -> { }).hostFunctions()) {
            provided.put(f.module() + "." + f.name(), f.functionType());
        }
        return provided;
    }

    private static void checkImports(String name, List<String> missing) {
        if (!missing.isEmpty()) {
            throw new WasmHostException(name + " imports " + (missing.size() == 1 ? "something" : missing.size() + " things")
                    + " wbpf does not provide: " + String.join(", ", missing)
                    + ". wbpf provides WASI preview1 (wasi_snapshot_preview1) and the wasm-bpf functions "
                    + "(wasm_bpf, env, callback-wrapper); rebuild the module against those.");
        }
    }

    /** The module's imports that wbpf does not provide (or provides with another type), each with its signature. */
    static List<String> missingImports(WasmModule module) {
        Map<String, FunctionType> provided = Provided.IMPORTS;
        List<String> missing = new ArrayList<>();
        var section = module.importSection();
        for (int i = 0; i < section.importCount(); i++) {
            Import imp = section.getImport(i);
            String key = imp.module() + "." + imp.name();
            if (imp instanceof FunctionImport fi) {
                FunctionType wanted = module.typeSection().getType(fi.typeIndex());
                FunctionType have = provided.get(key);
                if (have == null) {
                    missing.add(key + " " + signature(wanted));
                } else if (!have.typesMatch(wanted)) {
                    missing.add(key + " " + signature(wanted) + " (wbpf provides " + signature(have) + ")");
                }
            } else {
                missing.add(key + " (" + imp.importType().name().toLowerCase(java.util.Locale.ROOT) + ")");
            }
        }
        return missing;
    }

    private static String signature(FunctionType t) {
        return "(" + String.join(", ", t.params().stream().map(WasmBpfModule::typeName).toList()) + ") -> ("
                + String.join(", ", t.returns().stream().map(WasmBpfModule::typeName).toList()) + ")";
    }

    private static String typeName(Object valType) {
        return valType.toString().toLowerCase(java.util.Locale.ROOT);
    }
}
