package dev.joule.cli;

import dev.joule.train.Metrics;
import dev.joule.train.TaskKind;
import dev.joule.train.TrainingListener;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Shows a run's progress on stderr: on a terminal one bar redrawn in place (at most ~10 times a
 * second); otherwise (a pipe, a log file, CI) about twenty plain lines per run, so logs stay short.
 */
final class ProgressRenderer implements TrainingListener {
    private static final int BAR_WIDTH = 28;
    private static final long REDRAW_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final boolean terminal;
    private final TaskKind kind;
    private long totalSteps;
    private long lineEvery;
    private long lastDrawNanos;
    private boolean barOnScreen;

    ProgressRenderer(PrintWriter err, boolean terminal, TaskKind kind) {
        this.err = err;
        this.terminal = terminal;
        this.kind = kind;
    }

    /** A bar when a console is attached (and stderr is not redirected away from it), plain lines otherwise. */
    static boolean onTerminal() {
        return System.console() != null;
    }

    @Override
    public void onStart(long startStep, long totalSteps) {
        this.totalSteps = totalSteps;
        this.lineEvery = Math.max(1, totalSteps / 20);
        if (startStep > 0) {
            println(String.format(Locale.ROOT, "resuming at step %d of %d", startStep, totalSteps));
        }
    }

    @Override
    public void onStep(StepEvent e) {
        if (terminal) {
            long now = System.nanoTime();
            if (now - lastDrawNanos >= REDRAW_NANOS || e.step() == e.totalSteps()) {
                lastDrawNanos = now;
                err.print("\r" + bar(e) + "\033[K");
                err.flush();
                barOnScreen = true;
            }
        } else if (e.step() % lineEvery == 0 || e.step() == e.totalSteps()) {
            println(line(e));
        }
    }

    @Override
    public void onEvaluation(long step, Metrics m) {
        println(String.format(Locale.ROOT, "eval @ step %d: %s", step, describe(m, kind)));
    }

    @Override
    public void onCheckpoint(long step, Path dir) {
        if (!terminal) {
            println("checkpoint @ step " + step + ": " + dir);
        }
    }

    /** Ends the bar's line so later output starts on a fresh one. */
    void finish() {
        if (barOnScreen) {
            err.println();
            err.flush();
            barOnScreen = false;
        }
    }

    static String describe(Metrics m, TaskKind kind) {
        return kind == TaskKind.CLASSIFICATION
                ? String.format(Locale.ROOT, "accuracy %.2f%%, loss %.4f", 100 * m.accuracy(), m.loss())
                : String.format(Locale.ROOT, "loss %.4f, %.4f bits/token, accuracy %.2f%%", m.loss(), m.bitsPerTarget(), 100 * m.accuracy());
    }

    private String bar(StepEvent e) {
        int filled = (int) (BAR_WIDTH * e.step() / Math.max(1, e.totalSteps()));
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + line(e) + eta(e);
    }

    private static String line(StepEvent e) {
        double seconds = e.elapsedNanos() / 1e9;
        return String.format(Locale.ROOT, "step %d/%d  epoch %d  loss %.4f  lr %.2e  %.0f samples/s",
                e.step(), e.totalSteps(), e.epoch(), e.loss(), e.learningRate(), seconds > 0 ? e.samplesSeen() / seconds : 0);
    }

    private static String eta(StepEvent e) {
        if (e.step() == 0) {
            return "";
        }
        long remaining = (long) (e.elapsedNanos() / 1e9 / e.step() * (e.totalSteps() - e.step()));
        return String.format(Locale.ROOT, "  eta %d:%02d", remaining / 60, remaining % 60);
    }

    private void println(String s) {
        if (barOnScreen) {
            err.print("\r\033[K");
            barOnScreen = false;
        }
        err.println(s);
        err.flush();
    }
}
