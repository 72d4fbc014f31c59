package dev.wbpf.kernel.loader;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/** Addresses of kernel symbols from {@code /proc/kallsyms} (for untyped {@code __ksym} externs). */
final class KernelSymbols {
    private static final Path KALLSYMS = Path.of("/proc/kallsyms");

    private KernelSymbols() {}

    static OptionalLong address(String name) {
        try (BufferedReader reader = Files.newBufferedReader(KALLSYMS)) {
            for (String line; (line = reader.readLine()) != null; ) {
                // "ffffffff81000000 T _stext" or with a trailing "\t[module]".
                int first = line.indexOf(' ');
                int second = line.indexOf(' ', first + 1);
                if (first < 0 || second < 0) {
                    continue;
                }
                int end = line.indexOf('\t', second + 1);
                String symbol = end < 0 ? line.substring(second + 1) : line.substring(second + 1, end);
                if (symbol.equals(name)) {
                    return OptionalLong.of(Long.parseUnsignedLong(line.substring(0, first), 16));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + KALLSYMS, e);
        }
        return OptionalLong.empty();
    }
}
