package dev.wbpf.cli;

import dev.wbpf.vm.Engine;
import dev.wbpf.vm.VmException;
import dev.wbpf.vm.exec.RawExec;
import dev.wbpf.vm.load.LoadException;
import dev.wbpf.vm.load.ProgramVerifier;
import dev.wbpf.vm.verifier.VerifierException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code wbpf vm ...}: the in-JVM VM's own commands. */
@Command(name = "vm", mixinStandardHelpOptions = true, description = "Commands of the in-JVM BPF VM.",
        subcommands = {VmCommand.Exec.class})
final class VmCommand {

    /**
     * {@code wbpf vm exec}: the bpf_conformance plugin protocol. Program hex on stdin, memory hex as
     * the argument; prints r0 in hex and exits 0, or prints the error and exits 1.
     */
    @Command(name = "exec", mixinStandardHelpOptions = true,
            description = {"Run one program as conformance suites drive a runtime (bpf_conformance plugin protocol).",
                    "The program's bytes arrive on standard input as hex (two digits per byte, spaces optional);",
                    "r1 points at MEMORY, r2 holds its length; prints r0 in hex."})
    static final class Exec implements Callable<Integer> {
        @Parameters(paramLabel = "MEMORY_HEX", arity = "0..1", defaultValue = "", description = "Initial memory as hex bytes (absent: none).")
        String memoryHex;

        @Option(names = "--elf", description = "Standard input carries a whole ELF object (its first program runs).")
        boolean elf;

        @Option(names = "--no-verify", description = "Skip the verifier (ISA-only suites); run-time memory checks stay.")
        boolean noVerify;

        @Option(names = "--jit", description = "Run on the compiler to JVM bytecode instead of the interpreter"
                + " (programs with bpf-to-bpf calls, callbacks or tail calls still run on the interpreter).")
        boolean jit;

        @Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            PrintWriter err = spec.commandLine().getErr();
            byte[] code;
            byte[] memory;
            try {
                code = RawExec.parseHex(readAll(System.in));
                memory = RawExec.parseHex(memoryHex);
            } catch (IllegalArgumentException e) {
                err.println("wbpf: bad hex input: " + e.getMessage());
                err.flush();
                return 1;
            }
            ProgramVerifier verifier = noVerify ? ProgramVerifier.NONE : ProgramVerifier.standard();
            Engine engine = jit ? Engine.COMPILER : Engine.INTERPRETER;
            try {
                long r0 = elf ? RawExec.runElf(code, memory, verifier, engine) : RawExec.run(code, memory, verifier, engine);
                PrintWriter out = spec.commandLine().getOut();
                out.println(Long.toHexString(r0));
                out.flush();
                return 0;
            } catch (VmException | VerifierException | LoadException | IllegalArgumentException e) {
                err.println("wbpf: " + e.getMessage());
                err.flush();
                return 1;
            }
        }

        private static String readAll(InputStream in) throws IOException {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }
}
