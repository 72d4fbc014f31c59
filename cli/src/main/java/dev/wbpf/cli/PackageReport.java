package dev.wbpf.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.wbpf.packaging.Descriptor;
import dev.wbpf.packaging.Manifest;
import dev.wbpf.packaging.MediaTypes;
import dev.wbpf.packaging.PackageConfig;
import dev.wbpf.packaging.Packages;
import java.io.PrintWriter;
import java.util.Map;

/** What {@code wbpf inspect REF} prints about a package in the store. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PackageReport(String reference, String digest, String layout, String artifactType, long size,
                     Manifest manifest, PackageConfig config) {

    static PackageReport of(Packages.Inspection i) {
        return new PackageReport(i.reference(), i.descriptor().digest().toString(), i.layout().name().toLowerCase(),
                i.manifest().effectiveArtifactType(), i.totalSize(), i.manifest(), i.config());
    }

    void printText(PrintWriter out) {
        out.println("package   " + reference);
        out.println("digest    " + digest);
        out.println("layout    " + layout + " (" + artifactType + ")");
        out.println("size      " + size + " bytes (" + PackageStoreOption.humanSize(size) + ", manifest + config + layers)");
        String created = manifest.annotation(MediaTypes.ANNOTATION_CREATED);
        if (created != null) {
            out.println("created   " + created);
        }
        if (config != null) {
            out.println();
            field(out, "name", config.name());
            field(out, "version", config.version());
            field(out, "description", config.description());
            field(out, "license", config.license());
            field(out, "source", config.source());
            field(out, "entry", config.entry());
            field(out, "runs on VM", config.runsOnVm() == null ? null : config.runsOnVm() ? "yes" : "no");
            field(out, "min kernel", config.minKernel());
            field(out, "module", config.moduleDigest() == null ? null
                    : config.moduleSize() + " bytes uncompressed, " + config.moduleDigest());
            if (!config.programs().isEmpty()) {
                out.println();
                out.println("Programs:");
                TextTable programs = new TextTable("NAME", "SECTION", "TYPE", "ATTACH", "TARGET");
                for (PackageConfig.Program p : config.programs()) {
                    programs.add(p.name(), p.section(), p.type(), p.attach(),
                            p.target() == null || p.target().isEmpty() ? "-" : p.target());
                }
                programs.print(out, "  ");
            }
        }
        out.println();
        out.println("Config:");
        TextTable cfg = new TextTable("MEDIA TYPE", "DIGEST", "SIZE").numeric(2);
        cfg.add(manifest.config().mediaType(), manifest.config().digest(), manifest.config().size());
        cfg.print(out, "  ");
        out.println();
        out.println("Layers:");
        TextTable layers = new TextTable("MEDIA TYPE", "DIGEST", "SIZE", "TITLE").numeric(2);
        for (Descriptor l : manifest.layers()) {
            String title = l.annotation(MediaTypes.ANNOTATION_TITLE);
            layers.add(l.mediaType(), l.digest(), l.size(), title == null ? "-" : title);
        }
        layers.print(out, "  ");
        if (!manifest.annotations().isEmpty()) {
            out.println();
            out.println("Annotations:");
            for (Map.Entry<String, String> a : manifest.annotations().entrySet()) {
                out.println("  " + a.getKey() + " = " + a.getValue());
            }
        }
    }

    private static void field(PrintWriter out, String name, String value) {
        if (value != null && !value.isBlank()) {
            out.println(String.format("%-12s%s", name, value));
        }
    }
}
