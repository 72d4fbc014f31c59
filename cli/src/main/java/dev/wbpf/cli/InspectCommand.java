package dev.wbpf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.packaging.Packages;
import dev.wbpf.packaging.PackagingException;
import dev.wbpf.packaging.Reference;
import dev.wbpf.wasm.ModuleContents;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code wbpf inspect X.bpf.o}: what a BPF object holds; {@code wbpf inspect REF}: a package in the
 * local store. An argument that names an existing file (or ends in {@code .o}) is a BPF object.
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"Describe a BPF object, a wasm-bpf module or a package in the local store.",
                "An object: programs, maps, global variables, externs, relocations.",
                "A module: imports, exports, and the BPF objects it embeds.",
                "A package: manifest, config, layers, sizes."})
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "OBJECT|MODULE|REF", description = "A BPF ELF object (X.bpf.o), as clang -target bpf writes it; "
            + "a Wasm module (X.wasm); or a package reference in the local store (e.g. ghcr.io/acme/execsnoop:1.0).")
    String target;

    @Option(names = "--disasm", description = "Add each program's linked instructions, in llvm-objdump syntax.")
    boolean disassemble;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!looksLikeFile(target)) {
            return inspectPackage(Reference.parse(target));
        }
        Path object = Path.of(target);
        if (!Files.exists(object)) {
            throw new NoSuchFileException(object.toString(), null, "no such file");
        }
        if (Files.isDirectory(object)) {
            throw new IOException(object + " is a directory, not a BPF object");
        }
        byte[] bytes = Files.readAllBytes(object);
        PrintWriter out = spec.commandLine().getOut();
        if (isWasm(bytes)) {
            ModuleReport report = ModuleReport.of(target, bytes.length, ModuleContents.read(target, bytes), disassemble);
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                report.printText(out);
            }
        } else {
            ObjectReport report = ObjectReport.of(BpfObjectReader.read(target, bytes), disassemble);
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
            } else {
                report.printText(out);
            }
        }
        out.flush();
        return 0;
    }

    private static boolean isWasm(byte[] bytes) {
        return bytes.length >= 4 && bytes[0] == 0 && bytes[1] == 'a' && bytes[2] == 's' && bytes[3] == 'm';
    }

    /** A file that exists, or an argument only a path would be (ends in .o, or starts with / or .). */
    private static boolean looksLikeFile(String arg) {
        try {
            if (Files.exists(Path.of(arg))) {
                return true;
            }
        } catch (java.nio.file.InvalidPathException notAPath) {
            return false;
        }
        return arg.endsWith(".o") || arg.startsWith("/") || arg.startsWith("./") || arg.startsWith("../");
    }

    private int inspectPackage(Reference ref) throws IOException {
        if (disassemble) {
            throw new PackagingException("--disasm applies to BPF objects; " + target + " is a package reference");
        }
        PackageReport report = PackageReport.of(Packages.inspect(PackageStoreOption.open(), ref));
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            report.printText(out);
        }
        out.flush();
        return 0;
    }
}
