package dev.joule.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The top-level {@code joule} command: it only lists the subcommands. */
@Command(name = "joule",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Energy-efficient deep learning on the JVM: measure, replace, compress, keep it down.",
        subcommands = {
            InfoCommand.class,
            TrainCommand.class,
            EvalCommand.class,
            GenerateCommand.class,
            MeasureCommand.class,
            RunsCommand.class,
            ModelsCommand.class,
            CompareCommand.class,
            BenchGenerateCommand.class,
            EmbedCommand.class,
            BenchEmbedCommand.class,
            ExportCommand.class,
            CompressCommand.class,
            GateCommand.class,
            DistillCommand.class,
        })
public final class JouleCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean verbose;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
