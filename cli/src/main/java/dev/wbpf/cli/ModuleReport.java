package dev.wbpf.cli;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.object.BpfObjectReader;
import dev.wbpf.wasm.ModuleContents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code wbpf inspect MODULE.wasm}: the module's imports by import module, its exports, whether
 * wbpf provides everything it imports, and a report of each BPF object embedded in it.
 */
record ModuleReport(String file, long size, Map<String, List<String>> imports, List<String> exports,
                    List<String> missingImports, List<EmbeddedReport> objects) {

    /** An embedded object: where it is, and its report or why it could not be read. */
    record EmbeddedReport(int segment, int offset, int size, ObjectReport object, String error) {
    }

    static ModuleReport of(String file, long size, ModuleContents contents, boolean disassemble) {
        Map<String, List<String>> imports = new LinkedHashMap<>();
        for (String qualified : contents.imports()) {
            int dot = qualified.indexOf('.');
            imports.computeIfAbsent(qualified.substring(0, dot), m -> new ArrayList<>()).add(qualified.substring(dot + 1));
        }
        List<EmbeddedReport> objects = new ArrayList<>();
        for (ModuleContents.EmbeddedObject o : contents.objects()) {
            String name = file + " (data segment " + o.segment() + " + 0x" + Integer.toHexString(o.offset()) + ")";
            ObjectReport report = null;
            String error = null;
            try {
                report = ObjectReport.of(BpfObjectReader.read(name, o.bytes()), disassemble);
            } catch (BpfFormatException e) {
                error = e.getMessage();
            }
            objects.add(new EmbeddedReport(o.segment(), o.offset(), o.bytes().length, report, error));
        }
        return new ModuleReport(file, size, imports, contents.exports(), contents.missingImports(), objects);
    }

    void printText(PrintWriter out) {
        out.println(file + ": WebAssembly module, " + size + " bytes");
        out.println();
        out.println("Imports (" + imports.values().stream().mapToInt(List::size).sum() + ")");
        imports.forEach((module, names) -> out.println("  " + module + ": " + String.join(", ", names)));
        out.println("Exports: " + (exports.isEmpty() ? "(none)" : String.join(", ", exports)));
        out.println(missingImports.isEmpty()
                ? "wbpf provides every import: `wbpf run` can run it"
                : "wbpf does not provide: " + String.join(", ", missingImports) + " (`wbpf run` will refuse it)");
        out.println();
        out.println("Embedded BPF objects (" + objects.size() + ")");
        for (EmbeddedReport o : objects) {
            out.println();
            out.println("data segment " + o.segment() + " + 0x" + Integer.toHexString(o.offset()) + ", " + o.size() + " bytes:");
            if (o.error() != null) {
                out.println("  not a readable BPF object: " + o.error());
                continue;
            }
            StringWriter text = new StringWriter();
            o.object().printText(new PrintWriter(text));
            text.toString().lines().forEach(line -> out.println(line.isEmpty() ? "" : "  " + line));
        }
    }
}
