package dev.joule.cli;

import dev.joule.kernel.Kernels;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code joule info}: what this machine offers Joule (JDK, vector width, kernels, threads, data sets). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the JDK, SIMD width, kernels, threads and which data sets were found.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("java      %s (%s)%n", Runtime.version(), System.getProperty("java.vendor"));
        out.printf("cores     %d%n", Runtime.getRuntime().availableProcessors());
        out.printf("kernels   %s%n", Kernels.get().name());
        out.flush();
        return 0;
    }
}
