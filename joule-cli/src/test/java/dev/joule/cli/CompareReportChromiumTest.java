package dev.joule.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens compare.html in headless Chromium (Debian {@code chromium}) and reads the DOM after layout: the page's
 * own script writes how many plot points got a non-empty box inside the plot and how many table rows were
 * laid out. Skipped, with a message, where Chromium is not installed.
 */
class CompareReportChromiumTest {
    private static final long TIMEOUT_SECONDS = 90;

    @TempDir
    Path tmp;

    @Test
    void chromiumRendersEveryRowAndEveryPlotPoint() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install -y chromium); skipping the browser check");
        List<CompareRow> rows = CompareRows.fashionMnist();
        Path dir = tmp.resolve("report");
        CompareOutput.writeAll(dir, rows, CompareRows.settings("fashion-mnist", "image", "accuracy"));
        String dom = dumpDom(chromium.get(), dir.resolve("compare.html"));
        assertEquals(Integer.toString(rows.size()), spanText(dom, "rendered-points"), dom);
        assertEquals(Integer.toString(rows.size()), spanText(dom, "rendered-rows"), dom);
        // The escaped name arrives as text, not as markup.
        assertTrue(dom.contains("&lt;b&gt;snn&amp;"), dom);
        assertTrue(!dom.contains("<b>snn"), dom);
    }

    @Test
    void chromiumRendersABpcReport() throws Exception {
        Optional<Path> chromium = chromium();
        assumeTrue(chromium.isPresent(), "chromium is not installed (apt-get install -y chromium); skipping the browser check");
        List<CompareRow> rows = List.of(CompareRows.row("transformer", 0.45, 2.61, 1.5e-4), CompareRows.row("lstm", 0.47, 2.55, 4e-5),
                CompareRows.row("mingru", 0.40, 2.95, 1e-5));
        Path dir = tmp.resolve("lm");
        CompareOutput.writeAll(dir, rows, CompareRows.settings("char-lm", "token", "bpc"));
        String dom = dumpDom(chromium.get(), dir.resolve("compare.html"));
        assertEquals("3", spanText(dom, "rendered-points"), dom);
        assertEquals("3", spanText(dom, "rendered-rows"), dom);
    }

    private static Optional<Path> chromium() {
        List<Path> candidates = new ArrayList<>();
        for (String name : new String[] {"chromium", "chromium-browser", "google-chrome", "chrome"}) {
            for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(java.io.File.pathSeparator)) {
                candidates.add(Path.of(dir, name));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private String dumpDom(Path chromium, Path html) throws IOException, InterruptedException {
        Path profile = Files.createDirectories(tmp.resolve("profile"));
        Path stdout = tmp.resolve("dom.html");
        Path stderr = tmp.resolve("chromium.err");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + profile, "--virtual-time-budget=5000",
                "--dump-dom", html.toUri().toString())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            throw new AssertionError("chromium did not finish within " + TIMEOUT_SECONDS + " s; stderr:\n" + tail(stderr));
        }
        String dom = Files.readString(stdout, StandardCharsets.UTF_8);
        assertTrue(p.exitValue() == 0 && !dom.isBlank(), () -> "chromium exit " + p.exitValue() + "; stderr:\n" + tail(stderr));
        return dom;
    }

    private static String tail(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            List<String> all = lines.toList();
            return String.join("\n", all.subList(Math.max(0, all.size() - 20), all.size()));
        } catch (IOException e) {
            return "(no stderr: " + e.getMessage() + ")";
        }
    }

    private static String spanText(String dom, String id) {
        Matcher m = Pattern.compile("id=\"" + id + "\">([^<]*)<").matcher(dom);
        return m.find() ? m.group(1) : "(no element #" + id + ")";
    }
}
