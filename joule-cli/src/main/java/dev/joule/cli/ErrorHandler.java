package dev.joule.cli;

import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception from a command into one line on stderr and exit code 1; the stack trace only
 * with {@code --verbose}. Library code throws typed exceptions whose messages already name the thing
 * and the fix.
 */
final class ErrorHandler implements IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception ex, CommandLine cli, ParseResult parsed) {
        boolean verbose = parsed.originalArgs().contains("--verbose");
        if (ex instanceof UsageException) {
            cli.getErr().println("joule: " + ex.getMessage());
            return 2;
        }
        String message = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        cli.getErr().println("joule: error: " + message);
        if (verbose) {
            ex.printStackTrace(cli.getErr());
        } else {
            cli.getErr().println("(run again with --verbose for the stack trace)");
        }
        return 1;
    }
}
