package dev.wbpf.kernel.link;

import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.KernelException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a function of a user-space ELF file (executable, PIE or shared library) starts in the
 * file: the offset a uprobe takes. The symbol's value comes from {@code .symtab} or, in stripped
 * files, {@code .dynsym}; the PT_LOAD program header that contains that virtual address turns it
 * into a file offset ({@code value - p_vaddr + p_offset}), which is right for non-PIE executables
 * (absolute addresses), PIE executables and libraries (addresses relative to a zero base) alike.
 */
public final class ElfSymbols {
    private static final int SHT_SYMTAB = 2;
    private static final int SHT_DYNSYM = 11;
    private static final int PT_LOAD = 1;
    private static final int STT_FUNC = 2;
    private static final int STT_GNU_IFUNC = 10;
    private static final int EM_X86_64 = 62;
    private static final int EM_AARCH64 = 183;

    private ElfSymbols() {}

    /** The file offset of function {@code symbol} in {@code file}. */
    public static long fileOffset(Path file, String symbol) {
        ByteBuffer elf = read(file);
        if (elf.capacity() < 64 || elf.getInt(0) != 0x464c457f) {
            throw new KernelException(file + " is not an ELF file", Errno.ENOEXEC);
        }
        if (elf.get(4) != 2 || elf.get(5) != 1) {
            throw new KernelException(file + " is not a 64-bit little-endian ELF file", Errno.ENOEXEC);
        }
        int machine = Short.toUnsignedInt(elf.getShort(18));
        if (machine != EM_X86_64 && machine != EM_AARCH64) {
            throw new KernelException(file + " is for ELF machine " + machine + ", not this one", Errno.ENOEXEC);
        }
        long value = symbolValue(file, elf, symbol);
        long phoff = elf.getLong(0x20);
        int phentsize = Short.toUnsignedInt(elf.getShort(0x36));
        int phnum = Short.toUnsignedInt(elf.getShort(0x38));
        for (int i = 0; i < phnum; i++) {
            int at = Math.toIntExact(phoff + (long) i * phentsize);
            if (elf.getInt(at) != PT_LOAD) {
                continue;
            }
            long offset = elf.getLong(at + 8);
            long vaddr = elf.getLong(at + 16);
            long memsz = elf.getLong(at + 40);
            if (value >= vaddr && value < vaddr + memsz) {
                return value - vaddr + offset;
            }
        }
        throw new KernelException("symbol `" + symbol + "` of " + file + " (address 0x" + Long.toHexString(value)
                + ") lies in no loadable segment", Errno.ENOENT);
    }

    private static long symbolValue(Path file, ByteBuffer elf, String symbol) {
        long shoff = elf.getLong(0x28);
        int shentsize = Short.toUnsignedInt(elf.getShort(0x3a));
        int shnum = Short.toUnsignedInt(elf.getShort(0x3c));
        List<String> notFunctions = new ArrayList<>();
        boolean anyTable = false;
        for (int type : new int[] {SHT_SYMTAB, SHT_DYNSYM}) {
            for (int i = 0; i < shnum; i++) {
                int sh = Math.toIntExact(shoff + (long) i * shentsize);
                if (elf.getInt(sh + 4) != type) {
                    continue;
                }
                anyTable = true;
                long offset = elf.getLong(sh + 24);
                long size = elf.getLong(sh + 32);
                long entsize = Math.max(24, elf.getLong(sh + 56));
                int strtab = Math.toIntExact(shoff + (long) elf.getInt(sh + 40) * shentsize);
                long strOffset = elf.getLong(strtab + 24);
                for (long e = offset; e + 24 <= offset + size; e += entsize) {
                    int at = Math.toIntExact(e);
                    int shndx = Short.toUnsignedInt(elf.getShort(at + 6));
                    long value = elf.getLong(at + 8);
                    if (shndx == 0 || value == 0) {
                        continue; // undefined: lives in another file
                    }
                    String name = cString(elf, strOffset + Integer.toUnsignedLong(elf.getInt(at)));
                    if (!name.equals(symbol) && !name.startsWith(symbol + "@")) {
                        continue;
                    }
                    int stType = elf.get(at + 4) & 0xf;
                    if (stType == STT_FUNC || stType == STT_GNU_IFUNC) {
                        return value;
                    }
                    notFunctions.add(name);
                }
            }
        }
        if (!notFunctions.isEmpty()) {
            throw new KernelException("symbol `" + symbol + "` of " + file + " is not a function", Errno.EINVAL);
        }
        throw new KernelException(anyTable ? "function `" + symbol + "` not found in " + file
                : file + " has no symbol table (.symtab or .dynsym)", Errno.ENOENT);
    }

    private static String cString(ByteBuffer elf, long offset) {
        int start = Math.toIntExact(offset);
        int end = start;
        while (end < elf.capacity() && elf.get(end) != 0) {
            end++;
        }
        byte[] bytes = new byte[end - start];
        elf.get(start, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static ByteBuffer read(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()).order(ByteOrder.LITTLE_ENDIAN);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KernelException("uprobe target " + file + " does not exist", Errno.ENOENT);
        } catch (IOException e) {
            throw new KernelException("cannot read " + file + ": " + e.getMessage(), Errno.EIO);
        }
    }

    /**
     * Finds a file named without a slash as libbpf does: shared libraries ({@code *.so*}) in
     * LD_LIBRARY_PATH and the system library directories, executables in PATH. Names with a
     * slash are taken as they are.
     */
    public static Path resolve(String name) {
        if (name.contains("/")) {
            return Path.of(name);
        }
        Set<String> dirs = new LinkedHashSet<>();
        boolean library = name.contains(".so");
        String env = System.getenv(library ? "LD_LIBRARY_PATH" : "PATH");
        if (env != null) {
            for (String d : env.split(":")) {
                if (!d.isEmpty()) {
                    dirs.add(d);
                }
            }
        }
        if (library) {
            String multiarch = switch (System.getProperty("os.arch")) {
                case "aarch64", "arm64" -> "aarch64-linux-gnu";
                default -> "x86_64-linux-gnu";
            };
            dirs.addAll(List.of("/lib/" + multiarch, "/usr/lib/" + multiarch, "/lib64", "/usr/lib64", "/lib", "/usr/lib"));
        }
        for (String dir : dirs) {
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        throw new KernelException("cannot find `" + name + "` in " + dirs, Errno.ENOENT);
    }
}
