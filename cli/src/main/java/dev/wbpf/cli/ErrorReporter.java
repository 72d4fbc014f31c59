package dev.wbpf.cli;

import dev.wbpf.packaging.InvalidReferenceException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception from a command into one message on stderr and exit status 1 (2 for a
 * malformed package reference, a usage error). The stack trace is printed only with
 * {@code --debug}: users get what happened, not where in our code. Only an exception that can
 * only come from a bug (a null dereference, a bad cast or index) says so and points at
 * {@code --debug}; a missing file or a refused program is the user's to act on, not ours.
 */
final class ErrorReporter implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        var err = cli.getErr();
        boolean bug = isProgrammingError(ex);
        err.println("wbpf: " + (bug ? "internal error: " + ex : messageOf(ex)));
        boolean usage = ex instanceof InvalidReferenceException;
        if (debugRequested(parsed)) {
            ex.printStackTrace(err);
        } else if (bug) {
            err.println("(this is a bug in wbpf: please report it with the output of the same command run with --debug)");
        }
        err.flush();
        // A malformed package reference is a usage error, with picocli's exit code for those.
        return usage ? CommandLine.ExitCode.USAGE : 1;
    }

    private static boolean isProgrammingError(Exception ex) {
        return ex instanceof NullPointerException || ex instanceof ClassCastException
                || ex instanceof IndexOutOfBoundsException || ex instanceof ArithmeticException
                || ex instanceof ArrayStoreException || ex instanceof NegativeArraySizeException;
    }

    private static String messageOf(Throwable ex) {
        String message = ex.getMessage();
        if (message == null || message.isBlank()) {
            return ex.getClass().getSimpleName();
        }
        return message;
    }

    private static boolean debugRequested(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
            if (p.hasMatchedOption("--debug")) {
                return true;
            }
        }
        return false;
    }
}
