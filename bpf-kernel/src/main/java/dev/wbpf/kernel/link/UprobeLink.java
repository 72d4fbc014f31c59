package dev.wbpf.kernel.link;

import dev.wbpf.core.prog.AttachKind;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.loader.KernelProgram;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A uprobe or uretprobe through the uprobe PMU: perf_event_open with the PMU's dynamic type
 * ({@code /sys/bus/event_source/devices/uprobe/type}), the file's path in config1, the probed
 * instruction's file offset in config2, and the retprobe bit that the PMU's
 * {@code format/retprobe} names. The program is attached to the event with a BPF link (or
 * PERF_EVENT_IOC_SET_BPF on kernels without links). The probe fires in every process that maps
 * the file.
 */
public final class UprobeLink implements KernelLink {
    static final Path PMU = Path.of("/sys/bus/event_source/devices/uprobe");

    private final PerfEventAttachment attachment;
    private final String description;

    private UprobeLink(PerfEventAttachment attachment, String description) {
        this.attachment = attachment;
        this.description = description;
    }

    /** Attaches where the section says ({@code uprobe//bin/bash:readline}, {@code uprobe/libc.so.6:write+4}). */
    public static UprobeLink attach(KernelProgram program) {
        return attach(program, Links.target(program, null, "PATH:SYMBOL target"));
    }

    /** Attaches to {@code PATH:SYMBOL[+OFFSET]} or {@code PATH:OFFSET} (a file offset). */
    public static UprobeLink attach(KernelProgram program, String target) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new KernelException("uprobe target `" + target + "` of program `" + program.name()
                    + "` is not of the form PATH:SYMBOL[+OFFSET]", Errno.EINVAL);
        }
        Path file = ElfSymbols.resolve(target.substring(0, colon));
        String where = target.substring(colon + 1);
        long offset;
        if (Character.isDigit(where.charAt(0))) {
            offset = parseNumber(where);
        } else {
            int plus = where.indexOf('+');
            String symbol = plus < 0 ? where : where.substring(0, plus);
            offset = ElfSymbols.fileOffset(file, symbol) + (plus < 0 ? 0 : parseNumber(where.substring(plus + 1)));
        }
        return attach(program, file, offset, target);
    }

    /** Attaches at file offset {@code offset} of {@code file}. */
    public static UprobeLink attach(KernelProgram program, Path file, long offset, String what) {
        Links.requireKind(program, "a uprobe", AttachKind.UPROBE, AttachKind.URETPROBE);
        boolean ret = program.spec().definition().kind() == AttachKind.URETPROBE;
        if (!Files.isDirectory(PMU)) {
            throw new KernelException("uprobes are not supported by this kernel (no uprobe PMU in "
                    + PMU.getParent() + "); cannot attach `" + program.name() + "`", Errno.EOPNOTSUPP);
        }
        int type = (int) readNumber(PMU.resolve("type"));
        long retBit = ret ? 1L << retprobeBit() : 0;
        String description = (ret ? "uretprobe " : "uprobe ") + what + " (" + file + " offset 0x"
                + Long.toHexString(offset) + ") <- " + program.name();
        Fd perf;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment path = arena.allocateFrom(file.toAbsolutePath().toString());
            perf = PerfEvent.open(type, retBit, path.address(), offset);
        } catch (KernelException e) {
            throw new KernelException("cannot create " + description + ": " + e.getMessage(), e.operation(),
                    e.errnoNumber(), "", e);
        }
        return new UprobeLink(PerfEventAttachment.attach(program, perf), description);
    }

    /** The config bit of a return probe, from {@code format/retprobe} ("config:0"). */
    static int retprobeBit() {
        try {
            String format = Files.readString(PMU.resolve("format/retprobe")).strip();
            return Integer.parseInt(format.substring(format.indexOf(':') + 1));
        } catch (IOException | RuntimeException e) {
            throw new KernelException("cannot read " + PMU.resolve("format/retprobe") + ": " + e.getMessage(), Errno.EOPNOTSUPP);
        }
    }

    private static long readNumber(Path path) {
        try {
            return Long.parseLong(Files.readString(path).strip());
        } catch (IOException | NumberFormatException e) {
            throw new KernelException("cannot read " + path + ": " + e.getMessage(), Errno.EOPNOTSUPP);
        }
    }

    static long parseNumber(String text) {
        try {
            return text.startsWith("0x") || text.startsWith("0X") ? Long.parseUnsignedLong(text.substring(2), 16)
                    : Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new KernelException("`" + text + "` is not an offset", Errno.EINVAL);
        }
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        attachment.close();
    }
}
