package dev.wbpf.core.btf;

import dev.wbpf.core.BpfFormatException;
import dev.wbpf.core.io.ByteSlice;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed {@code .BTF.ext} section: per program section (by ELF section name), the func_info,
 * line_info and CO-RE relocation records. Strings (section names, file names, source lines, access
 * strings) live in the {@code .BTF} string table, so parsing needs the {@link Btf}.
 */
public final class BtfExt {
    private static final int MAGIC = 0xeB9F;
    private static final int VERSION = 1;
    /** Up to and including line_info_len; core_relo_off/len follow only in newer headers. */
    private static final int MIN_HEADER = 24;
    private static final int HEADER_WITH_CORE = 32;

    private final Map<String, List<FuncInfo>> funcInfos;
    private final Map<String, List<LineInfo>> lineInfos;
    private final Map<String, List<CoreRelocation>> coreRelocations;

    private BtfExt(Map<String, List<FuncInfo>> funcInfos, Map<String, List<LineInfo>> lineInfos,
            Map<String, List<CoreRelocation>> coreRelocations) {
        this.funcInfos = funcInfos;
        this.lineInfos = lineInfos;
        this.coreRelocations = coreRelocations;
    }

    public static BtfExt parse(String source, byte[] extSection, Btf btf) {
        return new Parser(ByteSlice.of(source, extSection), btf).parse();
    }

    /** func_info records by ELF section name, sections in file order. */
    public Map<String, List<FuncInfo>> funcInfos() {
        return funcInfos;
    }

    public Map<String, List<LineInfo>> lineInfos() {
        return lineInfos;
    }

    public Map<String, List<CoreRelocation>> coreRelocations() {
        return coreRelocations;
    }

    public List<FuncInfo> funcInfos(String section) {
        return funcInfos.getOrDefault(section, List.of());
    }

    public List<LineInfo> lineInfos(String section) {
        return lineInfos.getOrDefault(section, List.of());
    }

    public List<CoreRelocation> coreRelocations(String section) {
        return coreRelocations.getOrDefault(section, List.of());
    }

    /** Decodes one record of an info sub-section; {@code at} is the record's offset. */
    private interface RecordDecoder<T> {
        T decode(ByteSlice in, long at);
    }

    private static final class Parser {
        private final ByteSlice in;
        private final Btf btf;

        Parser(ByteSlice in, Btf btf) {
            this.in = in;
            this.btf = btf;
        }

        BtfExt parse() {
            int magic = in.u16(0, "BTF.ext magic");
            if (magic != MAGIC) {
                throw in.fail(String.format("bad BTF.ext magic 0x%04x (expected 0x%04x)", magic, MAGIC));
            }
            int version = in.u8(2, "BTF.ext version");
            if (version != VERSION) {
                throw in.fail("unsupported BTF.ext version " + version);
            }
            long headerLength = in.u32(4, "BTF.ext header length");
            if (headerLength < MIN_HEADER || headerLength > in.length()) {
                throw in.fail("BTF.ext header length " + headerLength + " is not between " + MIN_HEADER
                        + " and the section size " + in.length());
            }
            ByteSlice body = in.slice(headerLength, in.length() - headerLength, "BTF.ext body");
            var funcs = readInfo(body, 8, 8, "func_info", this::funcInfo);
            var lines = readInfo(body, 16, 16, "line_info", this::lineInfo);
            Map<String, List<CoreRelocation>> relos = Map.of();
            if (headerLength >= HEADER_WITH_CORE) {
                relos = readInfo(body, 24, 16, "core_relo", this::coreRelocation);
            }
            return new BtfExt(funcs, lines, relos);
        }

        /**
         * Reads one sub-section: a record size, then per ELF section its name offset, record count
         * and records. {@code headerField} is where the sub-section's offset and length sit in the
         * header. Records may be longer than {@code minRecordSize} (a newer compiler's); the extra
         * bytes are skipped.
         */
        private <T> Map<String, List<T>> readInfo(ByteSlice body, int headerField, int minRecordSize, String what,
                RecordDecoder<T> decoder) {
            long offset = in.u32(headerField, what + " offset");
            long length = in.u32(headerField + 4, what + " length");
            if (length == 0) {
                return Map.of();
            }
            ByteSlice sub = body.slice(offset, length, what + " sub-section");
            long recordSize = sub.u32(0, what + " record size");
            if (recordSize < minRecordSize || recordSize % 4 != 0 || recordSize > length) {
                throw in.fail(what + " record size " + recordSize + " is not a multiple of 4 between "
                        + minRecordSize + " and the sub-section length " + length);
            }
            Map<String, List<T>> bySection = new LinkedHashMap<>();
            long pos = 4;
            while (pos < length) {
                String section = btf.string(sub.u32(pos, what + " section name"), what + " section name");
                long count = sub.u32(pos + 4, what + " record count");
                pos += 8;
                if (count == 0) {
                    throw in.fail(what + " for section '" + section + "' has no records");
                }
                // Check the records fit before allocating a list for them.
                sub.check(pos, count * recordSize, what + " records of section '" + section + "'");
                List<T> records = bySection.computeIfAbsent(section, _ -> new ArrayList<>());
                for (long i = 0; i < count; i++, pos += recordSize) {
                    try {
                        records.add(decoder.decode(sub, pos));
                    } catch (BpfFormatException e) {
                        throw new BpfFormatException(e.source(), what + " of section '" + section + "': " + e.problem(), e);
                    }
                }
            }
            bySection.replaceAll((name, list) -> Collections.unmodifiableList(list));
            return Collections.unmodifiableMap(bySection);
        }

        private FuncInfo funcInfo(ByteSlice sub, long at) {
            return new FuncInfo(insnOffset(sub, at), typeId(sub.u32(at + 4, "type id")));
        }

        private LineInfo lineInfo(ByteSlice sub, long at) {
            int insn = insnOffset(sub, at);
            String file = btf.string(sub.u32(at + 4, "file name"), "file name");
            String line = btf.string(sub.u32(at + 8, "line text"), "line text");
            long lineAndColumn = sub.u32(at + 12, "line/column");
            // Line number in the top 22 bits, column in the low 10.
            return new LineInfo(insn, file, line, (int) (lineAndColumn >>> 10), (int) (lineAndColumn & 0x3ff));
        }

        private CoreRelocation coreRelocation(ByteSlice sub, long at) {
            int insn = insnOffset(sub, at);
            int type = typeId(sub.u32(at + 4, "type id"));
            String access = btf.string(sub.u32(at + 8, "access string"), "access string");
            long code = sub.u32(at + 12, "relocation kind");
            CoreRelocationKind kind = CoreRelocationKind.ofCode(code);
            if (kind == null) {
                throw in.fail("unknown CO-RE relocation kind " + code);
            }
            if (access.isEmpty()) {
                throw in.fail("empty CO-RE access string");
            }
            return new CoreRelocation(insn, type, access, kind);
        }

        private int insnOffset(ByteSlice sub, long at) {
            long offset = sub.u32(at, "instruction offset");
            if (offset % 8 != 0 || offset > Integer.MAX_VALUE) {
                throw in.fail("instruction offset " + offset + " is not a multiple of 8 bytes within 2 GiB");
            }
            return (int) offset;
        }

        private int typeId(long id) {
            if (id >= btf.typeCount()) {
                throw in.fail("type id " + id + " does not exist in the BTF (last is " + (btf.typeCount() - 1) + ")");
            }
            return (int) id;
        }
    }
}
