package dev.wbpf.wasm;

import com.dylibso.chicory.compiler.Cache;
import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * A module parsed, its imports checked and, for the compiler, compiled (or its compiled classes
 * loaded from the cache): everything instantiating it needs.
 *
 * @param module          the parsed module; on a cache hit for a module that compiled whole, its
 *                        function bodies are stubs (see {@link ModuleParsing#withStubBodies})
 * @param missingImports  the imports wbpf does not provide (then nothing is compiled: it cannot run)
 * @param compiled        the compiled machine factory, or null to interpret
 * @param engine          the engine asked for
 * @param compilerFailure why compiling failed, so the module is interpreted; null if it did not
 * @param compilingForLaterRuns a compile into the cache, on another thread, while this run is
 *                        interpreted (see {@link WasmBpfModule.Builder#compileInBackgroundOnCacheMiss});
 *                        completes with null, or why it failed; null if there is none
 */
record PreparedModule(WasmModule module, List<String> missingImports, Function<Instance, Machine> compiled,
                      WasmBpfModule.Engine engine, String compilerFailure, CompletableFuture<String> compilingForLaterRuns) {

    /** The engine the module runs on. */
    WasmBpfModule.Engine engineUsed() {
        return compiled == null ? WasmBpfModule.Engine.INTERPRETER : WasmBpfModule.Engine.COMPILER;
    }

    /** Parses the module and prepares the engine, compiling now on a cache miss. */
    static PreparedModule prepare(byte[] wasm, WasmBpfModule.Engine engine, Cache cache) {
        return prepare(wasm, engine, cache, false);
    }

    /**
     * Parses the module and prepares the engine.
     *
     * @param cache where compiled modules are kept (null: compile every time)
     * @param compileLater on a miss in a {@link CompiledModuleCache}, interpret this run and compile on another thread
     * @throws ChicoryException if the bytes are not a valid module
     */
    static PreparedModule prepare(byte[] wasm, WasmBpfModule.Engine engine, Cache cache, boolean compileLater) {
        if (engine == WasmBpfModule.Engine.INTERPRETER) {
            WasmModule module = ModuleParsing.parse(wasm, null);
            return new PreparedModule(module, WasmBpfModule.missingImports(module), null, engine, null, null);
        }
        String digest = cache instanceof CompiledModuleCache modules ? modules.digest(wasm)
                : cache != null ? ModuleParsing.digest(wasm) : null;
        if (cache instanceof CompiledModuleCache modules && modules.compiledWhole(digest)) {
            PreparedModule fromCache = withoutBodies(wasm, digest, modules);
            if (fromCache != null) {
                return fromCache;
            }
        }
        WasmModule module = ModuleParsing.parse(wasm, digest);
        List<String> missing = WasmBpfModule.missingImports(module);
        if (!missing.isEmpty()) {
            return new PreparedModule(module, missing, null, engine, null, null);
        }
        if (compileLater && cache instanceof CompiledModuleCache modules && !modules.contains(digest)) {
            return new PreparedModule(module, missing, null, engine, null, compileInBackground(module, cache));
        }
        try {
            return new PreparedModule(module, missing, compile(module, cache), engine, null, null);
        } catch (RuntimeException | LinkageError e) {
            return new PreparedModule(module, missing, null, engine, describe(e), null);
        }
    }

    private static String describe(Throwable e) {
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }

    /** Compiles into the cache on a daemon thread; the future says why that failed (null: it did not). */
    private static CompletableFuture<String> compileInBackground(WasmModule module, Cache cache) {
        CompletableFuture<String> done = new CompletableFuture<>();
        Thread.ofPlatform().name("wbpf-compile").daemon(true).start(() -> {
            String failure = null;
            try {
                compile(module, cache);
            } catch (RuntimeException | LinkageError e) {
                failure = describe(e);
            } finally {
                done.complete(failure);
            }
        });
        return done;
    }

    /**
     * The module with stub bodies and its classes from the cache; null if that fails (the entry was
     * removed or is damaged): the full parse and compile then say what is wrong.
     */
    private static PreparedModule withoutBodies(byte[] wasm, String digest, CompiledModuleCache modules) {
        try {
            byte[] classes = modules.get(digest);
            if (classes == null) {
                return null;
            }
            WasmModule stubbed = ModuleParsing.parse(ModuleParsing.withStubBodies(wasm), digest);
            List<String> missing = WasmBpfModule.missingImports(stubbed);
            if (!missing.isEmpty()) {
                return null; // cannot be (it was compiled), but if so the full path says what is missing
            }
            var compiled = MachineFactoryCompiler.builder(stubbed).withCache(new OneEntry(digest, classes)).compile();
            return new PreparedModule(stubbed, missing, compiled, WasmBpfModule.Engine.COMPILER, null, null);
        } catch (IOException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * Compiles (or loads from the cache). A module compiled for the first time is compiled whole
     * if it can be, and recorded as such; functions too large for a JVM method are interpreted.
     */
    private static Function<Instance, Machine> compile(WasmModule module, Cache cache) {
        var silent = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.SILENT);
        if (cache == null) {
            return silent.compile();
        }
        silent.withCache(cache);
        if (!(cache instanceof CompiledModuleCache modules) || modules.contains(module.digest())) {
            return silent.compile();
        }
        Function<Instance, Machine> whole;
        try {
            whole = MachineFactoryCompiler.builder(module).withInterpreterFallback(InterpreterFallback.FAIL)
                    .withCache(cache).compile();
        } catch (ChicoryException tooLarge) {
            return silent.compile();
        }
        try {
            modules.markCompiledWhole(module.digest());
        } catch (IOException e) {
            // the next run parses the whole module: slower, not wrong
        }
        return whole;
    }

    /** One cache entry, read-only: classes compiled from stub bodies must never be stored. */
    private record OneEntry(String key, byte[] classes) implements Cache {
        @Override
        public byte[] get(String wanted) {
            return key.equals(wanted) ? classes : null;
        }

        @Override
        public void putIfAbsent(String wanted, byte[] data) {
        }
    }
}
