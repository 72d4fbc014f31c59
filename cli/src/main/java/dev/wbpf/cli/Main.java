package dev.wbpf.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;

/** The {@code wbpf} command line: parses, calls the libraries, prints. No logic of its own. */
@Command(name = "wbpf",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Runs eBPF programs packaged as WebAssembly modules, on the Linux kernel or in the JVM.",
        subcommands = {RunCommand.class, InspectCommand.class, GenCommand.class, TestRunCommand.class, VmCommand.class,
                BuildCommand.class, ImagesCommand.class, RmiCommand.class, PruneCommand.class,
                SaveCommand.class, LoadCommand.class,
                PushCommand.class, PullCommand.class, LoginCommand.class, LogoutCommand.class, TagsCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors (for bug reports).")
    boolean debug;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit code, so tests can call it without exiting. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorReporter());
        // everything after the module is the module's: `wbpf run x.wasm -v` passes -v to x.wasm
        cli.getSubcommands().get("run").setStopAtPositional(true);
        return cli.execute(args);
    }

    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            Properties props = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    props.load(in);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return new String[] {
                    "wbpf " + props.getProperty("version", "unknown"),
                    "JVM: " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")",
                    "OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch")};
        }
    }
}
