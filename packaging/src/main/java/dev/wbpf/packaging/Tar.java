package dev.wbpf.packaging;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Just enough of POSIX tar (ustar, with pax and GNU long names on reading) for OCI layout archives. */
final class Tar {
    private static final int BLOCK = 512;

    private Tar() {
    }

    /** Writes ustar entries; names must fit in 100 bytes (layout names do). */
    static final class Writer implements AutoCloseable {
        private final OutputStream out;
        private final long mtime;

        Writer(OutputStream out, long mtimeSeconds) {
            this.out = out;
            this.mtime = mtimeSeconds;
        }

        void directory(String name) throws IOException {
            header(name.endsWith("/") ? name : name + "/", 0, '5', 0755);
        }

        void file(String name, byte[] content) throws IOException {
            header(name, content.length, '0', 0644);
            out.write(content);
            pad(content.length);
        }

        /** A file whose content comes from {@code in}, which must yield exactly {@code size} bytes. */
        void file(String name, long size, InputStream in) throws IOException {
            header(name, size, '0', 0644);
            long copied = in.transferTo(out);
            if (copied != size) {
                throw new IOException("tar entry " + name + ": " + copied + " bytes, expected " + size);
            }
            pad(size);
        }

        private void pad(long size) throws IOException {
            int rest = (int) (size % BLOCK);
            if (rest != 0) {
                out.write(new byte[BLOCK - rest]);
            }
        }

        private void header(String name, long size, char type, int mode) throws IOException {
            byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
            if (nameBytes.length > 100) {
                throw new IOException("tar entry name too long: " + name);
            }
            byte[] h = new byte[BLOCK];
            System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
            octal(h, 100, 8, mode);
            octal(h, 108, 8, 0);
            octal(h, 116, 8, 0);
            octal(h, 124, 12, size);
            octal(h, 136, 12, mtime);
            Arrays.fill(h, 148, 156, (byte) ' ');
            h[156] = (byte) type;
            System.arraycopy("ustar\0".getBytes(StandardCharsets.US_ASCII), 0, h, 257, 6);
            h[263] = '0';
            h[264] = '0';
            int sum = 0;
            for (byte b : h) {
                sum += b & 0xff;
            }
            byte[] chk = String.format("%06o", sum).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(chk, 0, h, 148, 6);
            h[154] = 0;
            h[155] = ' ';
            out.write(h);
        }

        private static void octal(byte[] h, int off, int len, long value) {
            String s = Long.toOctalString(value);
            if (s.length() > len - 1) {
                throw new IllegalArgumentException("value " + value + " does not fit a tar field");
            }
            s = "0".repeat(len - 1 - s.length()) + s;
            System.arraycopy(s.getBytes(StandardCharsets.US_ASCII), 0, h, off, len - 1);
            h[off + len - 1] = 0;
        }

        @Override
        public void close() throws IOException {
            out.write(new byte[2 * BLOCK]);
            out.flush();
        }
    }

    /** One regular file of an archive; {@code content} must be read (or skipped) before the next. */
    record Entry(String name, long size, InputStream content) {
    }

    /** Reads regular-file entries, skipping directories, links and other kinds. */
    static final class Reader {
        private final InputStream in;
        private long remaining;
        private long padding;

        Reader(InputStream in) {
            this.in = in;
        }

        /** The next regular file, or null at the end of the archive. */
        Entry next() throws IOException {
            skipRest();
            String longName = null;
            while (true) {
                byte[] h = in.readNBytes(BLOCK);
                if (h.length == 0) {
                    return null;
                }
                if (h.length < BLOCK) {
                    throw new EOFException("truncated tar header");
                }
                if (isZero(h)) {
                    return null;
                }
                verifyChecksum(h);
                String name = string(h, 0, 100);
                String prefix = string(h, 345, 155);
                if (!prefix.isEmpty() && "ustar".equals(string(h, 257, 5))) {
                    name = prefix + "/" + name;
                }
                long size = number(h, 124, 12);
                char type = (char) h[156];
                if (type == 'x' || type == 'L') {
                    byte[] data = readPadded(size);
                    if (type == 'L') {
                        longName = string(data, 0, data.length);
                    } else {
                        String path = paxPath(data);
                        if (path != null) {
                            longName = path;
                        }
                    }
                    continue;
                }
                if (longName != null) {
                    name = longName;
                    longName = null;
                }
                remaining = size;
                padding = (BLOCK - size % BLOCK) % BLOCK;
                if (type == '0' || type == 0 || type == '7') {
                    while (name.startsWith("./")) {
                        name = name.substring(2);
                    }
                    return new Entry(name, size, content());
                }
                skipRest();
            }
        }

        private InputStream content() {
            return new InputStream() {
                @Override
                public int read() throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int b = in.read();
                    if (b < 0) {
                        throw new EOFException("truncated tar entry");
                    }
                    remaining--;
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    if (remaining <= 0) {
                        return -1;
                    }
                    int n = in.read(buf, off, (int) Math.min(len, remaining));
                    if (n < 0) {
                        throw new EOFException("truncated tar entry");
                    }
                    remaining -= n;
                    return n;
                }
            };
        }

        private void skipRest() throws IOException {
            long skip = remaining + padding;
            remaining = 0;
            padding = 0;
            if (skip > 0) {
                in.skipNBytes(skip);
            }
        }

        private byte[] readPadded(long size) throws IOException {
            if (size > 1 << 20) {
                throw new IOException("tar extended header of " + size + " bytes is implausible");
            }
            byte[] data = in.readNBytes((int) size);
            if (data.length < size) {
                throw new EOFException("truncated tar extended header");
            }
            in.skipNBytes((BLOCK - size % BLOCK) % BLOCK);
            return data;
        }

        private static String paxPath(byte[] data) {
            String text = new String(data, StandardCharsets.UTF_8);
            for (String record : text.split("\n")) {
                int space = record.indexOf(' ');
                if (space > 0 && record.startsWith("path=", space + 1)) {
                    return record.substring(space + 1 + 5);
                }
            }
            return null;
        }

        private static void verifyChecksum(byte[] h) throws IOException {
            long stored = number(h, 148, 8);
            long sum = 0;
            for (int i = 0; i < BLOCK; i++) {
                sum += (i >= 148 && i < 156) ? ' ' : (h[i] & 0xff);
            }
            if (sum != stored) {
                throw new IOException("not a tar archive (header checksum mismatch)");
            }
        }

        private static boolean isZero(byte[] h) {
            for (byte b : h) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }

        private static String string(byte[] b, int off, int len) {
            int end = off;
            while (end < off + len && end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, off, end - off, StandardCharsets.UTF_8);
        }

        private static long number(byte[] h, int off, int len) throws IOException {
            if ((h[off] & 0x80) != 0) {
                long v = h[off] & 0x7f;
                for (int i = 1; i < len; i++) {
                    v = (v << 8) | (h[off + i] & 0xff);
                }
                return v;
            }
            String s = string(h, off, len).trim();
            if (s.isEmpty()) {
                return 0;
            }
            try {
                return Long.parseLong(s, 8);
            } catch (NumberFormatException e) {
                throw new IOException("not a tar archive (bad number field '" + s + "')");
            }
        }
    }
}
