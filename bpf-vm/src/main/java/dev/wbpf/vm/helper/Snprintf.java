package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.MemoryFault;
import dev.wbpf.vm.map.Errno;
import dev.wbpf.vm.memory.Memory;
import java.io.ByteArrayOutputStream;

/**
 * {@code bpf_snprintf(str, str_size, fmt, data, data_len)} with the kernel's format rules
 * (bpf_bprintf_prepare): conversions {@code %d %i %u %x %X} with an optional {@code l} or
 * {@code ll}, {@code %c}, {@code %s}, {@code %p} (also {@code %px %pK}, and {@code %pks %pus} for
 * strings), {@code %%}; flags {@code 0 - + space} and a width, no precision, no {@code h}; at
 * most 12 arguments, each a u64 of {@code data}. Anything else, or more conversions than
 * arguments, is {@code -EINVAL}. Returns the length of the whole formatted string plus its NUL,
 * even when {@code str_size} cut it short (the output is always NUL-terminated).
 *
 * <p>Pointers print as 16 hex digits: the VM has no kernel addresses to hide, so {@code %p} does
 * not hash. A string argument that cannot be read prints as the empty string, as in the kernel.
 */
final class Snprintf {
    private Snprintf() {}

    /** MAX_BPRINTF_VARARGS. */
    static final int MAX_ARGS = 12;
    private static final int MAX_FORMAT = 4096;
    /** A %s argument is cut here (the kernel's per-call buffer for strings is 512 bytes). */
    private static final int MAX_STRING = 512;

    static long snprintf(ExecutionContext ctx, long str, long strSize, long fmtPointer, long data, long dataLen) {
        if ((dataLen & 7) != 0 || Long.compareUnsigned(dataLen, MAX_ARGS * 8L) > 0 || (dataLen != 0 && data == 0)) {
            return -Errno.EINVAL;
        }
        Memory memory = ctx.memory();
        int insn = ctx.instruction();
        long[] args = new long[(int) dataLen / 8];
        for (int i = 0; i < args.length; i++) {
            args[i] = memory.load64(data + 8L * i, insn);
        }
        byte[] fmt = cString(memory, fmtPointer, MAX_FORMAT, insn);
        if (fmt == null) {
            return -Errno.EINVAL;
        }
        byte[] out = format(memory, insn, fmt, args);
        if (out == null) {
            return -Errno.EINVAL;
        }
        if (strSize > 0) {
            int n = (int) Math.min(out.length, strSize - 1);
            memory.check(str, (int) strSize, true, insn);
            memory.write(str, out, 0, n, insn);
            memory.store8(str + n, 0, insn);
        }
        return out.length + 1L;
    }

    /** The formatted bytes (without NUL), or null when the kernel would refuse the format. */
    static byte[] format(Memory memory, int insn, byte[] fmt, long[] args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int next = 0;
        int n = fmt.length;
        for (int i = 0; i < n; i++) {
            int c = fmt[i] & 0xff;
            if (!(c >= 0x20 && c < 0x7f) && !Character.isWhitespace(c)) {
                return null;
            }
            if (c != '%') {
                out.write(c);
                continue;
            }
            if (at(fmt, i + 1) == '%') {
                out.write('%');
                i++;
                continue;
            }
            if (next >= args.length) {
                return null;
            }
            i++;
            boolean left = false, zero = false, plus = false, space = false;
            for (int f = at(fmt, i); f == '0' || f == '+' || f == '-' || f == ' '; f = at(fmt, ++i)) {
                left |= f == '-';
                zero |= f == '0';
                plus |= f == '+';
                space |= f == ' ';
            }
            int width = 0;
            if (at(fmt, i) >= '1' && at(fmt, i) <= '9') {
                while (at(fmt, i) >= '0' && at(fmt, i) <= '9') {
                    width = Math.min(width * 10 + at(fmt, i) - '0', 4096);
                    i++;
                }
            }
            long arg = args[next++];
            String text;
            int conv = at(fmt, i);
            if (conv == 'p') {
                int ext = at(fmt, i + 1);
                if ((ext == 'k' || ext == 'u') && at(fmt, i + 2) == 's') {
                    text = string(memory, arg, insn);
                    i += 2;
                } else {
                    if (ext == 'x' || ext == 'K') {
                        i++;
                        ext = at(fmt, i + 1);
                    }
                    if (ext != 0 && !Character.isWhitespace(ext) && !isPunct(ext)) {
                        return null; // %pB, %pI4, ...: not offered by the VM; other extensions: refused as by the kernel
                    }
                    text = String.format("%016x", arg);
                }
                zero = false;
            } else if (conv == 's') {
                text = string(memory, arg, insn);
                zero = false;
            } else if (conv == 'c') {
                text = String.valueOf((char) (arg & 0xff));
                zero = false;
            } else {
                int size = 4;
                if (at(fmt, i) == 'l') {
                    size = 8;
                    i++;
                }
                if (at(fmt, i) == 'l') {
                    i++;
                }
                conv = at(fmt, i);
                long v = size == 8 ? arg : conv == 'd' || conv == 'i' ? (int) arg : arg & 0xffff_ffffL;
                text = switch (conv) {
                    case 'd', 'i' -> (v >= 0 && plus ? "+" : v >= 0 && space ? " " : "") + v;
                    case 'u' -> Long.toUnsignedString(v);
                    case 'x' -> Long.toHexString(v);
                    case 'X' -> Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
                    default -> null;
                };
                if (text == null) {
                    return null;
                }
            }
            byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            int pad = Math.max(0, width - bytes.length);
            if (left) {
                out.writeBytes(bytes);
                out.writeBytes(" ".repeat(pad).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
            } else if (zero) {
                int sign = bytes.length > 0 && (bytes[0] == '-' || bytes[0] == '+' || bytes[0] == ' ') ? 1 : 0;
                out.write(bytes, 0, sign);
                out.writeBytes("0".repeat(pad).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.write(bytes, sign, bytes.length - sign);
            } else {
                out.writeBytes(" ".repeat(pad).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                out.writeBytes(bytes);
            }
        }
        return out.toByteArray();
    }

    private static int at(byte[] s, int i) {
        return i < s.length ? s[i] & 0xff : 0;
    }

    private static boolean isPunct(int c) {
        return c > 0x20 && c < 0x7f && !Character.isLetterOrDigit(c);
    }

    /** Bytes up to the NUL; null when there is none within {@code max} readable bytes. */
    private static byte[] cString(Memory memory, long pointer, int max, int insn) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        try {
            for (int i = 0; i < max; i++) {
                int b = (int) memory.load8(pointer + i, insn);
                if (b == 0) {
                    return s.toByteArray();
                }
                s.write(b);
            }
        } catch (MemoryFault e) {
            return null;
        }
        return null;
    }

    /** A string argument: up to its NUL or the end of its region; "" when unreadable. */
    private static String string(Memory memory, long pointer, int insn) {
        ByteArrayOutputStream s = new ByteArrayOutputStream();
        try {
            for (int i = 0; i < MAX_STRING - 1; i++) {
                int b = (int) memory.load8(pointer + i, insn);
                if (b == 0) {
                    break;
                }
                s.write(b);
            }
        } catch (MemoryFault e) {
            return ""; // the kernel's strncpy_from_kernel_nofault failed: an empty string
        }
        return s.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
