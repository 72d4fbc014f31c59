package dev.wbpf.kernel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.core.testing.RequiresKernel;
import dev.wbpf.kernel.Bpffs;
import dev.wbpf.kernel.Errno;
import dev.wbpf.kernel.Fd;
import dev.wbpf.kernel.FdLeakTracker;
import dev.wbpf.kernel.KernelException;
import dev.wbpf.kernel.KernelObjects;
import dev.wbpf.kernel.TestPrograms;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@RequiresKernel
@ExtendWith(FdLeakTracker.class)
class BpfTest {
    static final int PROG_TYPE_XDP = 6;
    static final int PROG_TYPE_SOCKET_FILTER = 1;
    static final int MAP_TYPE_HASH = 1;
    static final int XDP_PASS = 2;

    @Test
    void xdpProgramRunsUnderTestRun() {
        ProgLoadRequest request = ProgLoadRequest.of(PROG_TYPE_XDP, TestPrograms.returnImmediate(XDP_PASS), "GPL")
                .withName("wbpf_xdp_pass");
        try (Fd prog = Bpf.progLoad(request)) {
            byte[] packet = new byte[64];
            packet[12] = 0x08; // ethertype IPv4, not that the program looks
            TestRunResult result = Bpf.progTestRun(TestRunRequest.ofPacket(prog.raw(), packet, 10));
            assertEquals(XDP_PASS, result.returnValue());
            assertArrayEquals(packet, result.dataOut());

            ProgramInfo info = Bpf.progInfo(prog.raw());
            assertEquals(PROG_TYPE_XDP, info.type());
            assertEquals("wbpf_xdp_pass", info.name());
            assertEquals(16, info.tag().length());
            assertTrue(info.id() > 0);
        }
    }

    @Test
    void rejectedProgramCarriesTheVerifierLog() {
        ProgLoadRequest request = ProgLoadRequest.of(PROG_TYPE_SOCKET_FILTER, TestPrograms.readUninitialisedR2(), "GPL")
                .withName("bad_r2");
        KernelException e = assertThrows(KernelException.class, () -> Bpf.progLoad(request));
        assertEquals(Errno.EACCES, e.kernelErrno());
        assertTrue(e.kernelLog().contains("R2 !read_ok"), e.kernelLog());
        assertTrue(e.getMessage().startsWith("BPF_PROG_LOAD (program bad_r2): EACCES (Permission denied)"),
                e.getMessage());
        assertTrue(e.getMessage().contains("R2 !read_ok"), e.getMessage());
    }

    @Test
    void logBufferGrowsWhenTheFirstIsTooSmall() {
        // 5000 instructions of "r1 = 1" before reading r2: level-2 logs print every state, far beyond 64 KiB.
        long[][] insns = new long[5002][];
        for (int i = 0; i < 5000; i++) {
            insns[i] = TestPrograms.movImm(1, 1);
        }
        insns[5000] = TestPrograms.movReg(0, 2);
        insns[5001] = TestPrograms.exit();
        ProgLoadRequest request = ProgLoadRequest.of(PROG_TYPE_SOCKET_FILTER, TestPrograms.encode(insns), "GPL")
                .withLogLevel(2);
        KernelException e = assertThrows(KernelException.class, () -> Bpf.progLoad(request));
        assertEquals(Errno.EACCES, e.kernelErrno(), e.getMessage());
        assertTrue(e.kernelLog().length() > Bpf.INITIAL_LOG_SIZE, "log of " + e.kernelLog().length() + " chars");
        assertTrue(e.kernelLog().contains("R2 !read_ok"));
    }

    @Test
    void invalidMapNamesTheCommandAndErrno() {
        KernelException e = assertThrows(KernelException.class,
                () -> Bpf.mapCreate(MapCreateRequest.of(MAP_TYPE_HASH, 0, 4, 1).withName("zero_key")));
        assertEquals(Errno.EINVAL, e.kernelErrno());
        assertEquals("BPF_MAP_CREATE (map zero_key): EINVAL (Invalid argument)", e.getMessage());
    }

    @Test
    void brokenBtfCarriesTheBtfLog() {
        byte[] notBtf = new byte[32];
        notBtf[0] = (byte) 0x9f;
        notBtf[1] = (byte) 0xeb;
        notBtf[2] = 1;
        notBtf[4] = 24; // hdr_len, but type/str sections point nowhere sensible
        notBtf[20] = 100; // str_len larger than the blob
        KernelException e = assertThrows(KernelException.class, () -> Bpf.btfLoad(notBtf));
        assertEquals("BPF_BTF_LOAD", e.operation());
        assertFalse(e.kernelLog().isBlank(), e.getMessage());
    }

    @Test
    void pinAndOpenThroughBpffs() throws Exception {
        Path dir = Files.createTempDirectory(Bpffs.ensureMounted(), "wbpf-test-");
        Path pin = dir.resolve("pinned_map");
        try (Fd map = Bpf.mapCreate(MapCreateRequest.of(MAP_TYPE_HASH, 4, 4, 8).withName("pinned"))) {
            Bpf.objPin(map.raw(), pin.toString());
            int id = Bpf.mapInfo(map.raw()).id();
            try (Fd again = Bpf.objGet(pin.toString(), 0)) {
                MapInfo info = Bpf.mapInfo(again.raw());
                assertEquals(id, info.id());
                assertEquals("pinned", info.name());
            }
            KernelException exists = assertThrows(KernelException.class, () -> Bpf.objPin(map.raw(), pin.toString()));
            assertEquals(Errno.EEXIST, exists.kernelErrno());
            assertTrue(exists.getMessage().contains(pin.toString()));
        } finally {
            Files.deleteIfExists(pin);
            Files.deleteIfExists(dir);
        }
        KernelException gone = assertThrows(KernelException.class, () -> Bpf.objGet(pin.toString(), 0));
        assertEquals(Errno.ENOENT, gone.kernelErrno());
    }

    @Test
    void nothingCreatedRemainsAfterClose() throws Exception {
        Set<Integer> mapsBefore = KernelObjects.snapshot(Bpf.ObjectKind.MAP);
        Set<Integer> progsBefore = KernelObjects.snapshot(Bpf.ObjectKind.PROGRAM);
        int mapId;
        int progId;
        try (Fd map = Bpf.mapCreate(MapCreateRequest.of(MAP_TYPE_HASH, 4, 4, 8));
                Fd prog = Bpf.progLoad(ProgLoadRequest.of(PROG_TYPE_XDP, TestPrograms.returnImmediate(1), "GPL"))) {
            mapId = Bpf.mapInfo(map.raw()).id();
            progId = Bpf.progInfo(prog.raw()).id();
            assertTrue(Bpf.allIds(Bpf.ObjectKind.MAP).contains(mapId));
            assertTrue(Bpf.allIds(Bpf.ObjectKind.PROGRAM).contains(progId));
            try (Fd byId = Bpf.fdById(Bpf.ObjectKind.PROGRAM, progId)) {
                assertEquals(progId, Bpf.progInfo(byId.raw()).id());
            }
        }
        KernelObjects.assertGone(Bpf.ObjectKind.MAP, mapId, mapsBefore);
        KernelObjects.assertGone(Bpf.ObjectKind.PROGRAM, progId, progsBefore);
    }
}
