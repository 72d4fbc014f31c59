package dev.wbpf.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wbpf.vm.hook.Pcap;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code wbpf run --backend vm --pcap FILE}: a capture replayed into a VM interface, without root. */
class RunPcapTest {
    static final String PORTFILTER_TABLE = """
            PROTO  PORT    PACKETS      BYTES  VERDICT
            TCP      22          1         60  pass
            TCP      80          3        180  pass
            TCP     443          2        148  pass
            UDP      53          3        240  drop
            UDP     123          1         90  pass
            """;

    static Path samplePcap() {
        return ExamplesKernelTest.example("portfilter").resolveSibling("sample.pcap");
    }

    @Test
    void portfilterCountsAndDropsTheCapturedPacketsAndWritesThePassedOnes(@TempDir Path dir) throws IOException {
        Path passed = dir.resolve("passed.pcap");
        CliRunner r = CliRunner.run("run", "--backend", "vm", "-v", "--pcap", samplePcap().toString(), "--pcap-out", passed.toString(),
                ExamplesKernelTest.example("portfilter").toString(), "lo", "-t", "2", "-d", "53");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("Counting TCP/UDP packets to ports 1-65535 on lo for 2 s, dropping port 53...\n" + PORTFILTER_TABLE, r.out());
        assertTrue(r.err().contains("wbpf: lo: replayed 12 of 12 packets from " + samplePcap()), r.err());
        assertTrue(r.err().contains("wbpf: lo: 12 received; xdp pass 9, drop 3, tx 0, redirect 0, aborted 0; tc shot 0; 9 passed;"),
                r.err());
        assertTrue(r.err().contains("wbpf: lo: wrote 9 passed packets to " + passed), r.err());
        List<Pcap.Packet> written = Pcap.read(passed);
        assertEquals(9, written.size());
        assertTrue(written.stream().noneMatch(RunPcapTest::isUdpToPort53), "a dropped packet was written");
    }

    private static boolean isUdpToPort53(Pcap.Packet p) {
        ByteBuffer b = ByteBuffer.wrap(p.data());
        int ethertype = b.getShort(12) & 0xffff;
        int l4 = ethertype == 0x0800 ? 14 + 20 : ethertype == 0x86dd ? 14 + 40 : -1;
        int proto = ethertype == 0x0800 ? b.get(14 + 9) : ethertype == 0x86dd ? b.get(14 + 6) : -1;
        return l4 > 0 && proto == 17 && (b.getShort(l4 + 2) & 0xffff) == 53;
    }

    @Test
    void aCaptureForAnotherInterfaceIsNotSeenOnLo() {
        CliRunner r = CliRunner.run("run", "--backend", "vm", "--pcap", "eth9=" + samplePcap(),
                ExamplesKernelTest.example("portfilter").toString(), "lo", "-t", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals("Counting TCP/UDP packets to ports 1-65535 on lo for 1 s...\nPROTO  PORT    PACKETS      BYTES  VERDICT\n", r.out());
        assertEquals("wbpf: no program attached to VM interface eth9, so none of the 12 packets of " + samplePcap()
                + " were replayed\n", r.err());
    }

    @Test
    void attachingToAnInterfaceTheVmLacksSaysHowToMakeIt() {
        CliRunner r = CliRunner.run("run", "--backend", "vm", ExamplesKernelTest.example("portfilter").toString(), "eth0", "-t", "0");
        assertEquals(44, r.exitCode(), r.err()); // WASI's ENOENT, as the guest returns it
        assertTrue(r.err().contains("wbpf: cannot attach portfilter: no VM interface `eth0` to attach program `portfilter` to; the VM has lo"
                + " (`wbpf run --pcap eth0=FILE` creates it and feeds it; embedding code calls VmNetwork.create(\"eth0\"))"), r.err());
    }

    @Test
    void pcapOnTheKernelBackendIsAUsageError() {
        CliRunner r = CliRunner.run("run", "--backend", "kernel", "--pcap", samplePcap().toString(),
                ExamplesKernelTest.example("portfilter").toString(), "lo");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("--pcap and --pcap-out feed and record the VM's interfaces; on the kernel backend programs see"
                + " real interfaces (capture with tcpdump): drop them or use --backend vm\n"), r.err());
    }

    @Test
    void aFileThatIsNoCaptureFailsBeforeTheModuleRuns(@TempDir Path dir) throws IOException {
        Path notPcap = Files.writeString(dir.resolve("x.pcap"), "hello, world");
        CliRunner r = CliRunner.run("run", "--pcap", notPcap.toString(), ExamplesKernelTest.example("portfilter").toString(), "lo");
        assertEquals(1, r.exitCode());
        assertEquals("", r.out());
        assertTrue(r.err().startsWith("wbpf: " + notPcap + ": not a pcap or pcapng file: it starts with 0x68656c6c\n"), r.err());
    }
}
