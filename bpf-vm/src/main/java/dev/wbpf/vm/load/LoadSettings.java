package dev.wbpf.vm.load;

import dev.wbpf.vm.Engine;
import dev.wbpf.vm.HostEnvironment;
import dev.wbpf.vm.helper.HelperTable;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * How the VM loads an object.
 *
 * @param cpus         virtual CPUs (per-CPU maps hold that many values)
 * @param kernelConfig values of {@code __kconfig} externs
 * @param verifier     decides whether each program may run
 * @param programs     which programs to load (libbpf's autoload): others are skipped, and maps
 *                     the VM cannot create are skipped when no loaded program uses them
 * @param log          one line per diagnostic
 * @param helpers      the helpers programs may call (the VM's standard table unless a host adds or removes some)
 * @param engine       what runs the programs: the interpreter (default) or the compiler to JVM bytecode
 */
public record LoadSettings(int cpus, HostEnvironment environment, KernelConfig kernelConfig, ProgramVerifier verifier,
                           Predicate<String> programs, Consumer<String> log, HelperTable helpers, Engine engine) {
    public LoadSettings {
        if (cpus <= 0) {
            throw new IllegalArgumentException("cpus must be positive: " + cpus);
        }
        Objects.requireNonNull(environment);
        Objects.requireNonNull(kernelConfig);
        Objects.requireNonNull(verifier);
        Objects.requireNonNull(programs);
        Objects.requireNonNull(log);
        Objects.requireNonNull(helpers);
        Objects.requireNonNull(engine);
    }

    public static LoadSettings defaults() {
        return new LoadSettings(Runtime.getRuntime().availableProcessors(), HostEnvironment.ofCurrentProcess(),
                KernelConfig.defaults(), ProgramVerifier.standard(), name -> true, line -> { }, HelperTable.standard(), Engine.INTERPRETER);
    }

    public LoadSettings withCpus(int n) {
        return new LoadSettings(n, environment, kernelConfig, verifier, programs, log, helpers, engine);
    }

    public LoadSettings withEnvironment(HostEnvironment e) {
        return new LoadSettings(cpus, e, kernelConfig, verifier, programs, log, helpers, engine);
    }

    public LoadSettings withKernelConfig(KernelConfig k) {
        return new LoadSettings(cpus, environment, k, verifier, programs, log, helpers, engine);
    }

    public LoadSettings withVerifier(ProgramVerifier v) {
        return new LoadSettings(cpus, environment, kernelConfig, v, programs, log, helpers, engine);
    }

    public LoadSettings withPrograms(Predicate<String> p) {
        return new LoadSettings(cpus, environment, kernelConfig, verifier, p, log, helpers, engine);
    }

    public LoadSettings withHelpers(HelperTable h) {
        return new LoadSettings(cpus, environment, kernelConfig, verifier, programs, log, h, engine);
    }

    public LoadSettings withEngine(Engine e) {
        return new LoadSettings(cpus, environment, kernelConfig, verifier, programs, log, helpers, e);
    }

    public LoadSettings withLog(Consumer<String> l) {
        return new LoadSettings(cpus, environment, kernelConfig, verifier, programs, l, helpers, engine);
    }
}
