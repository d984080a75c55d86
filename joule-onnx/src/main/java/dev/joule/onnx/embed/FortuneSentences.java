package dev.joule.onnx.embed;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Short real sentences (20 to 200 characters, whitespace collapsed) from the Debian {@code fortunes}
 * package, in a fixed order: the sentence set of the equality tests and of {@code joule bench-embed}.
 */
public final class FortuneSentences {
    public static final Path DIR = Path.of("/usr/share/games/fortunes");

    private FortuneSentences() {}

    /** The first {@code count} sentences, or fewer (none when the package is absent). */
    public static List<String> read(int count) throws IOException {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(DIR)) {
            return out;
        }
        List<Path> files;
        try (Stream<Path> s = Files.list(DIR)) {
            files = s.filter(p -> !p.getFileName().toString().contains(".")).sorted().toList();
        }
        for (Path f : files) {
            for (String fortune : new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).split("\n%\n")) {
                String line = fortune.replaceAll("\\s+", " ").trim();
                if (line.length() >= 20 && line.length() <= 200) {
                    out.add(line);
                    if (out.size() == count) {
                        return out;
                    }
                }
            }
        }
        return out;
    }
}
