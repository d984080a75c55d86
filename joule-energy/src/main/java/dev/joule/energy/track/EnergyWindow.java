package dev.joule.energy.track;

import dev.joule.energy.Component;
import dev.joule.energy.ComponentEnergy;
import dev.joule.energy.meter.MeterReading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A named region of code whose energy is measured between its opening and its closing. The meter is
 * read directly at both edges (a few file reads), so a window does not wait for the sampler.
 * Windows nest: {@code run.window("epoch").window("step")}.
 */
public class EnergyWindow implements AutoCloseable {
    private final EnergyRun run;
    private final EnergyWindow parent;
    private final String name;
    private final String path;
    private final Instant startedAt;
    private final MeterReading start;
    private final List<EnergyReport> children = Collections.synchronizedList(new ArrayList<>());
    private volatile EnergyReport report;

    EnergyWindow(EnergyRun run, EnergyWindow parent, String name, MeterReading start) {
        this.run = run == null ? (EnergyRun) this : run;
        this.parent = parent;
        this.name = name;
        this.path = parent == null ? name : parent.path + "/" + name;
        this.startedAt = Instant.now();
        this.start = start;
    }

    /** Opens a window nested in this one. */
    public EnergyWindow window(String windowName) {
        if (report != null) {
            throw new IllegalStateException("window '" + path + "' is closed; open '" + windowName + "' in an open window");
        }
        return new EnergyWindow(run, this, windowName, run.meter().read());
    }

    public String name() {
        return name;
    }

    public String path() {
        return path;
    }

    MeterReading startReading() {
        return start;
    }

    /** Closes the window (once) and returns its report; later calls return the same report. */
    public synchronized EnergyReport end() {
        if (report == null) {
            report = buildReport(run.meter().read());
            if (parent != null) {
                parent.children.add(report);
            }
        }
        return report;
    }

    @Override
    public void close() {
        end();
    }

    /** The report, or null while the window is open. */
    public EnergyReport report() {
        return report;
    }

    EnergyReport buildReport(MeterReading end) {
        MeterReading delta = end.since(start);
        long durationNanos = delta.nanoTime();
        boolean belowResolution = durationNanos < run.meter().resolution().toNanos();
        Map<Component, ComponentEnergy> components = belowResolution
                ? run.interpolated(end, delta) : delta.components();
        double itJoules = 0;
        for (ComponentEnergy c : components.values()) {
            if (c.component().summedIntoTotal()) {
                itJoules += c.joules();
            }
        }
        List<EnergyReport> nested;
        synchronized (children) {
            nested = List.copyOf(children);
        }
        return new EnergyReport(name, path, startedAt, durationNanos, new EnumMap<>(components), belowResolution,
                delta.droppedIntervals(), delta.cpuSeconds(), run.config().carbon(), run.config().carbon().account(itJoules),
                nested);
    }
}
