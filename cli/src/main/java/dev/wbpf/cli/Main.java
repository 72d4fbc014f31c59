package dev.wbpf.cli;

import dev.wbpf.core.StartupTrace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The {@code wbpf} command line: parses, calls the libraries, prints. No logic of its own. */
public final class Main {

    /**
     * The subcommands, in the order help lists them. Picocli reads a command's annotations by
     * reflection when it is added, which costs start-up time for every command, so a command line
     * that names one gets only that one (see {@link #run(String...)}).
     */
    private static final List<String> COMMANDS = List.of("run", "inspect", "gen", "test-run", "vm", "build", "images",
            "rmi", "prune", "save", "load", "push", "pull", "login", "logout", "tags", "help");

    private static Object command(String name, RunHeadStart runHeadStart) {
        // a switch, not a map of constructor references: a reference to a class the AOT cache
        // leaves out (picocli's Java 5 classes, where the build has not rewritten them) crashes
        // the JDK 25 cache writer
        return switch (name) {
            case "run" -> new RunCommand(runHeadStart).spec();
            case "inspect" -> new InspectCommand();
            case "gen" -> new GenCommand();
            case "test-run" -> new TestRunCommand();
            case "vm" -> new VmCommand();
            case "build" -> new BuildCommand();
            case "images" -> new ImagesCommand();
            case "rmi" -> new RmiCommand();
            case "prune" -> new PruneCommand();
            case "save" -> new SaveCommand();
            case "load" -> new LoadCommand();
            case "push" -> new PushCommand();
            case "pull" -> new PullCommand();
            case "login" -> new LoginCommand();
            case "logout" -> new LogoutCommand();
            case "tags" -> new TagsCommand();
            case "help" -> new CommandLine.HelpCommand();
            default -> throw new IllegalArgumentException("no command " + name);
        };
    }

    private Main() {
    }

    /** wbpf's own options, built in code like {@code run}'s (see {@link RunCommand#spec()}). */
    private static CommandSpec spec() {
        CommandSpec spec = ModelParts.withStandardHelpOptions(CommandSpec.wrapWithoutInspection(new Main()))
                .name("wbpf")
                .versionProvider(new Version())
                .addOption(ModelParts.flag("--debug").scopeType(CommandLine.ScopeType.INHERIT)
                        .description("Print stack traces of errors (for bug reports).").build());
        spec.usageMessage().description("Runs eBPF programs packaged as WebAssembly modules, on the Linux kernel or in the JVM.");
        return spec;
    }

    public static void main(String[] args) {
        int status = run(args);
        StartupTrace.mark("exiting with status " + status);
        System.exit(status);
    }

    /** Runs the CLI and returns the exit code, so tests can call it without exiting. */
    public static int run(String... args) {
        StartupTrace.mark("main");
        String named = commandNamed(args);
        // `run` begins parsing the module and choosing a backend while picocli reads the command line
        RunHeadStart runHeadStart = "run".equals(named) ? RunHeadStart.start(args) : null;
        CommandLine cli = new CommandLine(spec());
        for (String name : COMMANDS) {
            if (named == null || named.equals(name)) {
                // a CommandLine of its own: picocli applies a command's model transformer
                // (RegistryOptions.AddedTo) only where a CommandLine is constructed
                cli.addSubcommand(name, new CommandLine(command(name, runHeadStart)));
            }
        }
        StartupTrace.mark("command line model");
        cli.setExecutionExceptionHandler(new ErrorReporter());
        CommandLine run = cli.getSubcommands().get("run");
        if (run != null) {
            // everything after the module is the module's: `wbpf run x.wasm -v` passes -v to x.wasm
            run.setStopAtPositional(true);
        }
        return cli.execute(args);
    }

    /**
     * The subcommand the arguments name, or null when all are needed: no command, an unknown one
     * (the error suggests others), {@code help} (it describes others) or an {@code @file}.
     * wbpf's own options (--debug, --help, --version) take no values, so the first argument that
     * is not an option is the command.
     */
    private static String commandNamed(String... args) {
        for (String arg : args) {
            if (arg.startsWith("-")) {
                continue;
            }
            return COMMANDS.contains(arg) && !arg.equals("help") ? arg : null;
        }
        return null;
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
