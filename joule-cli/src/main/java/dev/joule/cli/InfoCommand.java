package dev.joule.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.joule.data.CharCorpus;
import dev.joule.data.FashionMnist;
import dev.joule.energy.meter.MeterOptions;
import dev.joule.energy.meter.MeterSelection;
import dev.joule.energy.meter.Meters;
import dev.joule.kernel.Kernels;
import dev.joule.kernel.PackedMatrix;
import dev.joule.kernel.Parallel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code joule info}: what this machine offers Joule (JDK, vector width, kernels, threads, data sets, meters). */
@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Show the JDK, SIMD width, kernels, threads, energy meters and which data sets were found.")
final class InfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--threads", description = "Worker threads to report as configured (default: the number of cores).")
    Integer threads;

    @Option(names = "--json", description = "Print one JSON object instead of the table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (threads != null) {
            Parallel.setThreads(threads);
        }
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("java", Runtime.version().toString() + " (" + System.getProperty("java.vendor") + ")");
        info.put("cores", Runtime.getRuntime().availableProcessors());
        info.put("threads", Parallel.threads());
        info.put("kernels", Kernels.get().name());
        info.put("f32FewRows", PackedMatrix.fewRowKernels());
        info.put("fashionMnist", dataset(FashionMnist.isInstalled(FashionMnist.DEFAULT_DIR), FashionMnist.DEFAULT_DIR,
                "apt-get install dataset-fashion-mnist"));
        info.put("fortunes", dataset(Files.isDirectory(CharCorpus.FORTUNES_DIR), CharCorpus.FORTUNES_DIR,
                "apt-get install fortunes"));
        try (var meter = Meters.open(MeterOptions.defaults()).meter()) {
            info.put("energyMeter", meter.describe());
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writeValueAsString(info));
        } else {
            info.forEach((k, v) -> out.printf("%-13s %s%n", k, v));
        }
        out.flush();
        return 0;
    }

    private static String dataset(boolean found, Path dir, String install) {
        return found ? "found in " + dir : "missing (install with: " + install + ")";
    }
}
