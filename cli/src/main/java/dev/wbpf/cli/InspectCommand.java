package dev.wbpf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.core.object.BpfObjectSpec;
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

/** {@code wbpf inspect X.bpf.o}: what a BPF object holds, as text or JSON. */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Describe a BPF object: programs, maps, global variables, externs and relocations.")
final class InspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "OBJECT", description = "A BPF ELF object (X.bpf.o), as clang -target bpf writes it.")
    Path object;

    @Option(names = "--disasm", description = "Add each program's linked instructions, in llvm-objdump syntax.")
    boolean disassemble;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (!Files.exists(object)) {
            throw new NoSuchFileException(object.toString(), null, "no such file");
        }
        if (Files.isDirectory(object)) {
            throw new IOException(object + " is a directory, not a BPF object");
        }
        BpfObjectSpec parsed = BpfObjectReader.read(object);
        ObjectReport report = ObjectReport.of(parsed, disassemble);
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
