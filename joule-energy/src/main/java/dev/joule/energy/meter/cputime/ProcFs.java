package dev.joule.energy.meter.cputime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Reads process CPU time and resident memory from a {@code /proc} tree (injectable for tests).
 *
 * <p>CPU time of a process and all its descendants is its own ticks, plus cutime/cstime (the children
 * it has already reaped, with theirs), plus every live descendant's own and reaped ticks. A process
 * reaped between two scans moves from the live sum into its parent's cutime; {@link CpuTimeMeter}
 * keeps the total monotone across that race.
 */
public final class ProcFs {
    /** A full scan of /proc costs milliseconds on a busy host; between scans only known processes are read. */
    public static final long DEFAULT_RESCAN_NANOS = 1_000_000_000L;

    private final Path root;
    private final long rescanNanos;
    private long lastScanNanos;
    private long lastScanRoot = -1;
    private List<Long> knownDescendants = List.of();

    /**
     * @param rescanNanos how long the list of descendants is reused before /proc is scanned again; a
     *     process born in between is counted from the next scan on (its CPU time is cumulative, so
     *     nothing is lost, only seen later), one reaped in between is in its parent's cutime
     */
    public ProcFs(Path root, long rescanNanos) {
        this.root = root;
        this.rescanNanos = rescanNanos;
    }

    /** Scans /proc on every call: for tests and one-off reads. */
    public ProcFs(Path root) {
        this(root, 0);
    }

    public static ProcFs system() {
        return new ProcFs(Path.of("/proc"), DEFAULT_RESCAN_NANOS);
    }

    public Optional<ProcStat> stat(long pid) {
        try {
            return Optional.of(ProcStat.parse(Files.readString(root.resolve(pid + "/stat"))));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Ticks and resident pages of a process tree. */
    public record TreeUsage(long ticks, long residentPages, int processes) {}

    /**
     * Usage of {@code pid}'s tree.
     *
     * @param includeRoot whether the root process's own ticks and memory count (false for
     *     {@code joule measure}, whose JVM is only the observer)
     */
    public TreeUsage treeUsage(long pid, boolean includeRoot) {
        Optional<ProcStat> rootStat = stat(pid);
        if (rootStat.isEmpty()) {
            return new TreeUsage(0, 0, 0);
        }
        long ticks = rootStat.get().reapedChildTicks();
        long pages = 0;
        if (includeRoot) {
            ticks += rootStat.get().ownTicks();
            pages += rootStat.get().residentPages();
        }
        List<ProcStat> descendants = cachedDescendants(pid);
        for (ProcStat d : descendants) {
            ticks += d.ownTicks() + d.reapedChildTicks();
            pages += d.residentPages();
        }
        return new TreeUsage(ticks, pages, descendants.size() + (includeRoot ? 1 : 0));
    }

    private synchronized List<ProcStat> cachedDescendants(long pid) {
        long now = System.nanoTime();
        if (pid != lastScanRoot || rescanNanos <= 0 || now - lastScanNanos >= rescanNanos) {
            List<ProcStat> fresh = descendants(pid);
            knownDescendants = fresh.stream().map(ProcStat::pid).toList();
            lastScanRoot = pid;
            lastScanNanos = now;
            return fresh;
        }
        List<ProcStat> known = new ArrayList<>();
        for (long d : knownDescendants) {
            stat(d).ifPresent(known::add);
        }
        return known;
    }

    /**
     * Descendants of {@code pid}, from the per-thread {@code children} files when the kernel has them
     * (cheap: only this tree is read) or else from a scan of every process's stat.
     */
    private List<ProcStat> descendants(long pid) {
        if (!Files.isRegularFile(root.resolve(pid + "/task/" + pid + "/children"))) {
            return descendantsByScan(pid);
        }
        List<ProcStat> result = new ArrayList<>();
        List<Long> frontier = List.of(pid);
        while (!frontier.isEmpty()) {
            List<Long> next = new ArrayList<>();
            for (long parent : frontier) {
                for (long child : children(parent)) {
                    stat(child).ifPresent(result::add);
                    next.add(child);
                }
            }
            frontier = next;
        }
        return result;
    }

    private List<Long> children(long pid) {
        List<Long> children = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(root.resolve(pid + "/task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String text;
                try {
                    text = Files.readString(task.resolve("children")).trim();
                } catch (IOException e) {
                    continue; // the thread ended between the listing and the read
                }
                for (String id : text.isEmpty() ? new String[0] : text.split("\\s+")) {
                    children.add(Long.parseLong(id));
                }
            }
        } catch (IOException | RuntimeException e) {
            return children;
        }
        return children;
    }

    private List<ProcStat> descendantsByScan(long pid) {
        Map<Long, List<ProcStat>> byParent = new HashMap<>();
        try (Stream<Path> entries = Files.list(root)) {
            entries.map(p -> p.getFileName().toString())
                    .filter(name -> !name.isEmpty() && name.chars().allMatch(Character::isDigit))
                    .forEach(name -> stat(Long.parseLong(name))
                            .ifPresent(s -> byParent.computeIfAbsent(s.parentPid(), k -> new ArrayList<>()).add(s)));
        } catch (IOException e) {
            return List.of();
        }
        List<ProcStat> result = new ArrayList<>();
        List<Long> frontier = new ArrayList<>(List.of(pid));
        while (!frontier.isEmpty()) {
            List<Long> next = new ArrayList<>();
            for (long parent : frontier) {
                for (ProcStat child : byParent.getOrDefault(parent, List.of())) {
                    result.add(child);
                    next.add(child.pid());
                }
            }
            frontier = next;
        }
        return result;
    }
}
