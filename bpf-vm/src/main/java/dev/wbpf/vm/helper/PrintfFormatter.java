package dev.wbpf.vm.helper;

import dev.wbpf.vm.ExecutionContext;
import dev.wbpf.vm.memory.Memory;

/**
 * The subset of printf that {@code bpf_trace_printk} accepts: {@code %d %i %u %x %X %c %s %p %%}
 * with optional {@code l}/{@code ll}/{@code h} length, {@code -}/{@code 0} flags and a width.
 * {@code %s} reads a NUL-terminated string from VM memory; an invalid pointer prints
 * {@code (fault)} rather than ending the run, as the kernel's probe read would.
 */
final class PrintfFormatter {
    private PrintfFormatter() {}

    private static final int MAX_STRING = 256;

    static String format(ExecutionContext ctx, byte[] format, long[] args) {
        int end = 0;
        while (end < format.length && format[end] != 0) {
            end++;
        }
        String fmt = new String(format, 0, end, java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < fmt.length(); i++) {
            char c = fmt.charAt(i);
            if (c != '%' || i + 1 == fmt.length()) {
                out.append(c);
                continue;
            }
            int start = i++;
            boolean left = false;
            boolean zero = false;
            for (; i < fmt.length() && (fmt.charAt(i) == '-' || fmt.charAt(i) == '0'); i++) {
                left |= fmt.charAt(i) == '-';
                zero |= fmt.charAt(i) == '0';
            }
            int width = 0;
            for (; i < fmt.length() && Character.isDigit(fmt.charAt(i)); i++) {
                width = Math.min(width * 10 + (fmt.charAt(i) - '0'), 64);
            }
            int longs = 0;
            boolean half = false;
            for (; i < fmt.length() && (fmt.charAt(i) == 'l' || fmt.charAt(i) == 'h'); i++) {
                if (fmt.charAt(i) == 'l') {
                    longs++;
                } else {
                    half = true;
                }
            }
            if (i == fmt.length()) {
                out.append(fmt, start, i);
                break;
            }
            char conv = fmt.charAt(i);
            if (conv == '%') {
                out.append('%');
                continue;
            }
            long arg = next < args.length ? args[next] : 0;
            next++;
            boolean wide = longs > 0;
            String text = switch (conv) {
                case 'd', 'i' -> Long.toString(wide ? arg : half ? (short) arg : (int) arg);
                case 'u' -> Long.toUnsignedString(wide ? arg : arg & 0xffff_ffffL);
                case 'x' -> Long.toHexString(wide ? arg : arg & 0xffff_ffffL);
                case 'X' -> Long.toHexString(wide ? arg : arg & 0xffff_ffffL).toUpperCase(java.util.Locale.ROOT);
                case 'c' -> String.valueOf((char) (arg & 0xff));
                case 'p' -> "0x" + Long.toHexString(arg);
                case 's' -> string(ctx.memory(), arg, ctx.instruction());
                default -> fmt.substring(start, i + 1);
            };
            String pad = text.length() < width ? (zero && !left ? "0" : " ").repeat(width - text.length()) : "";
            out.append(left ? text + pad : pad + text);
        }
        return out.toString();
    }

    private static String string(Memory memory, long pointer, int insn) {
        StringBuilder s = new StringBuilder();
        try {
            for (int i = 0; i < MAX_STRING; i++) {
                long b = memory.load8(pointer + i, insn);
                if (b == 0) {
                    break;
                }
                s.append((char) b);
            }
        } catch (dev.wbpf.vm.MemoryFault e) {
            return s.isEmpty() ? "(fault)" : s.toString();
        }
        return s.toString();
    }
}
