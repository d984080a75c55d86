package dev.joule.energy.record;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Appends run records to a CSV file. A file whose header differs from this schema's (an older
 * Joule, CodeCarbon's own emissions.csv) is never rewritten, backed up or mixed: the record goes to
 * a sibling {@code NAME.joule-vN.csv} (or {@code NAME.joule-vN-2.csv} ...) and a warning says so.
 */
public final class CsvRecordWriter {
    private static final Logger LOG = LoggerFactory.getLogger(CsvRecordWriter.class);

    /** Where the record went, and the warning when it was not the requested file. */
    public record Result(Path path, String warning) {
        public boolean redirected() {
            return warning != null;
        }
    }

    private CsvRecordWriter() {}

    public static synchronized Result append(Path requested, RunRecord record) {
        String header = line(CsvColumns.header());
        Path target = requested;
        String warning = null;
        int attempt = 1;
        while (!compatible(target, header)) {
            target = sibling(requested, attempt++);
            warning = requested + " has a different header (another schema or tool); it was left untouched and the "
                    + "record was written to " + target;
        }
        try {
            if (target.toAbsolutePath().getParent() != null) {
                Files.createDirectories(target.toAbsolutePath().getParent());
            }
            boolean fresh = !Files.exists(target) || Files.size(target) == 0;
            try (Writer w = Files.newBufferedWriter(target, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                if (fresh) {
                    w.write(header);
                    w.write('\n');
                }
                w.write(line(CsvColumns.values(record)));
                w.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write energy CSV " + target + ": " + e.getMessage(), e);
        }
        if (warning != null) {
            LOG.warn(warning);
        }
        return new Result(target, warning);
    }

    private static boolean compatible(Path file, String header) {
        try {
            if (!Files.exists(file) || Files.size(file) == 0) {
                return true;
            }
            try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String first = reader.readLine();
                return header.equals(first);
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static Path sibling(Path requested, int attempt) {
        String file = requested.getFileName().toString();
        String stem = file.endsWith(".csv") ? file.substring(0, file.length() - 4) : file;
        String suffix = ".joule-v" + CsvColumns.SCHEMA_VERSION + (attempt > 1 ? "-" + attempt : "") + ".csv";
        return requested.resolveSibling(stem + suffix);
    }

    static String line(List<String> values) {
        return values.stream().map(CsvRecordWriter::escape).collect(Collectors.joining(","));
    }

    private static String escape(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r")) {
            return '"' + value.replace("\"", "\"\"") + '"';
        }
        return value;
    }
}
