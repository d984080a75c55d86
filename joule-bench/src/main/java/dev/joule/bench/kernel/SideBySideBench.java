package dev.joule.bench.kernel;

import java.io.File;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Before/after in one process: two builds of joule-tensor (e.g. the previous commit's jar and this one),
 * each in its own class loader with {@link SmallRowsGemmBench} on top, timed alternately case by case, so
 * both see the same machine load. Each build has its own thread pool; the idle one parks.
 *
 * <pre>
 *   SideBySideBench OLD_TENSOR_JAR NEW_TENSOR_JAR HARNESS_CLASSPATH THREADS PAIRS CASE...
 *   CASE: gemm:M:K:N, minilm:M (MiniLM's 36 matrices, see SmallRowsGemmBench#minilmRate) or shrunk
 * </pre>
 * HARNESS_CLASSPATH: this module's classes and SLF4J (path-separated). Prints each case's per-pair
 * figures and the medians.
 */
public final class SideBySideBench {
    private SideBySideBench() {}

    public static void main(String[] args) throws Exception {
        List<URL> harness = new ArrayList<>();
        for (String p : args[2].split(File.pathSeparator)) {
            harness.add(new File(p).toURI().toURL());
        }
        Method[] oldM = methods(args[0], harness);
        Method[] newM = methods(args[1], harness);
        int threads = Integer.parseInt(args[3]);
        int pairs = Integer.parseInt(args[4]);
        for (int i = 5; i < args.length; i++) {
            double[] before = new double[pairs];
            double[] after = new double[pairs];
            for (int pair = 0; pair < pairs; pair++) {
                before[pair] = run(oldM, args[i], threads, pair == 0 ? 1500 : 300);
                after[pair] = run(newM, args[i], threads, pair == 0 ? 1500 : 300);
            }
            System.out.printf("%-20s threads %d  before %s  after %s  medians %.1f -> %.1f GMAC/s (%.2fx)%n", args[i], threads,
                    fmt(before), fmt(after), median(before), median(after), median(after) / median(before));
        }
    }

    private static Method[] methods(String tensorJar, List<URL> harness) throws Exception {
        List<URL> urls = new ArrayList<>();
        urls.add(new File(tensorJar).toURI().toURL());
        urls.addAll(harness);
        ClassLoader loader = new URLClassLoader(urls.toArray(new URL[0]), ClassLoader.getPlatformClassLoader());
        Class<?> bench = loader.loadClass(SmallRowsGemmBench.class.getName());
        return new Method[] {
            bench.getMethod("gemmRate", int.class, int.class, int.class, int.class, int.class),
            bench.getMethod("shrunkRate", int.class, int.class),
            bench.getMethod("minilmRate", int.class, int.class, int.class),
        };
    }

    private static double run(Method[] m, String spec, int threads, int warmupMillis) throws Exception {
        String[] p = spec.split(":");
        if (p[0].equals("shrunk")) {
            return (double) m[1].invoke(null, threads, warmupMillis);
        }
        if (p[0].equals("minilm")) {
            return (double) m[2].invoke(null, threads, Integer.parseInt(p[1]), warmupMillis);
        }
        return (double) m[0].invoke(null, threads, Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                Integer.parseInt(p[3]), warmupMillis);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static String fmt(double[] v) {
        StringBuilder b = new StringBuilder();
        for (double x : v) {
            b.append(b.length() == 0 ? "" : "/").append(String.format("%.1f", x));
        }
        return b.toString();
    }
}
