package dev.wbpf.packaging;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The metadata file {@code wbpf build} reads ({@code wbpf.yaml} or {@code wbpf.json}). Every field
 * is optional but {@code name}; unknown fields are errors (they are usually typos):
 *
 * <pre>
 * name: execsnoop                 # required
 * version: 1.0.0
 * description: Trace exec() calls
 * license: GPL-2.0 OR MIT         # SPDX expression
 * source: https://example.org/execsnoop
 * entry: execsnoop.wasm           # the module's file name in the package (default: the file given to build)
 * runsOnVm: true                  # runs on wbpf's in-JVM VM backend
 * minKernel: "5.8"
 * programs:                       # the BPF programs it needs (build fills this in from --bpf-object)
 *   - name: handle_exec
 *     section: tp/syscalls/sys_enter_execve
 *     type: tracepoint
 *     attach: tracepoint
 *     target: syscalls/sys_enter_execve
 * </pre>
 */
public final class Metadata {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final List<String> FIELDS = List.of("name", "version", "description", "license", "source",
            "entry", "runsOnVm", "minKernel", "programs");

    private Metadata() {
    }

    /** Reads a metadata file: YAML when it ends in .yaml or .yml, else JSON. */
    public static PackageConfig read(Path file) throws IOException {
        String fileName = file.getFileName().toString();
        boolean yaml = fileName.endsWith(".yaml") || fileName.endsWith(".yml");
        return parse(Files.readAllBytes(file), yaml, file.toString());
    }

    static PackageConfig parse(byte[] content, boolean yaml, String what) {
        ObjectMapper mapper = yaml ? YAML : JSON;
        try {
            var tree = mapper.readTree(content);
            if (tree == null || !tree.isObject()) {
                throw new PackagingException(what + ": expected a mapping with at least 'name'");
            }
            for (String field : (Iterable<String>) tree::fieldNames) {
                if (field.equals("moduleDigest") || field.equals("moduleSize")) {
                    throw new PackagingException(what + ": '" + field + "' is computed by wbpf build, leave it out");
                }
                if (!FIELDS.contains(field)) {
                    throw new PackagingException(what + ": unknown field '" + field + "' (known: " + String.join(", ", FIELDS) + ")");
                }
            }
            if (!tree.hasNonNull("name") || tree.get("name").asText().isBlank()) {
                throw new PackagingException(what + ": 'name' is required");
            }
            return mapper.treeToValue(tree, PackageConfig.class);
        } catch (IOException e) {
            String detail = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new PackagingException(what + ": " + detail.lines().findFirst().orElse(detail), e);
        }
    }
}
