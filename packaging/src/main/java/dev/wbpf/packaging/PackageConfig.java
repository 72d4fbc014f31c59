package dev.wbpf.packaging;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * The config blob of a wbpf package ({@value MediaTypes#WBPF_CONFIG}): what a user or {@code wbpf run}
 * wants to know before fetching the module. Only {@code name} is required.
 *
 * @param name        the package's name, e.g. {@code execsnoop}
 * @param version     its version, free form (e.g. {@code 1.2.0})
 * @param description one line
 * @param license     an SPDX expression, e.g. {@code GPL-2.0 OR MIT}
 * @param source      where its source lives (a URL)
 * @param entry       the entry module's file name (the module layer's title), e.g. {@code execsnoop.wasm}
 * @param programs    the BPF programs the module loads: program type and attach point of each
 * @param runsOnVm    whether the package runs on wbpf's in-JVM VM backend (no kernel needed); null if unknown
 * @param minKernel   the oldest Linux kernel it runs on, e.g. {@code 5.8}; null if unknown
 * @param moduleDigest the sha256 of the uncompressed module, checked after decompression
 * @param moduleSize  the uncompressed module's size in bytes
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"name", "version", "description", "license", "source", "entry", "programs", "runsOnVm",
        "minKernel", "moduleDigest", "moduleSize"})
public record PackageConfig(String name, String version, String description, String license, String source,
                            String entry, List<Program> programs, Boolean runsOnVm, String minKernel,
                            Digest moduleDigest, Long moduleSize) {

    public PackageConfig {
        if (name == null || name.isBlank()) {
            throw new PackagingException("a package needs a name");
        }
        programs = programs == null ? List.of() : List.copyOf(programs);
    }

    /** Just a name. */
    public static PackageConfig named(String name) {
        return new PackageConfig(name, null, null, null, null, null, null, null, null, null, null);
    }

    public PackageConfig withModule(String entryName, Digest digest, long size) {
        return new PackageConfig(name, version, description, license, source, entry == null ? entryName : entry,
                programs, runsOnVm, minKernel, digest, size);
    }

    public PackageConfig withPrograms(List<Program> newPrograms) {
        return new PackageConfig(name, version, description, license, source, entry, newPrograms, runsOnVm,
                minKernel, moduleDigest, moduleSize);
    }

    /**
     * A BPF program the module needs.
     *
     * @param name    the program's function name
     * @param section its ELF section, e.g. {@code tp/syscalls/sys_enter_execve}
     * @param type    the program type, e.g. {@code tracepoint}
     * @param attach  how it attaches (attach kind), e.g. {@code tracepoint}, {@code kprobe}, {@code xdp}
     * @param target  the attach point named by the section, e.g. {@code syscalls/sys_enter_execve}; empty if none
     */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Program(String name, String section, String type, String attach, String target) {
    }
}
