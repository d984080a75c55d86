#!/usr/bin/env python3
"""Turns a SparseMatvecBenchmark JMH JSON result into (1) a side-by-side markdown table of median
times and speedups over dense and (2) the break-even table SparseFormatChooser reads.

Usage: sparse-break-even.py RESULT.json SOURCE-TEXT [PROPERTIES-OUT]

The median is taken over the measurement iterations of each benchmark/params pair. Speedup =
dense median / sparse median at the same size, batch and density (dense runs the same matrix with
its zeros). Break-even density: where the speedup crosses 1, linear in log-density between
measured densities (as SparseFormatChooser interpolates); above the densest point time is taken
to grow with the stored weights.
"""
import json
import math
import statistics
import sys

FORMATS = ["csr", "block", "nm"]


def load(path):
    med = {}
    for e in json.load(open(path)):
        name = e["benchmark"].rsplit(".", 1)[1]
        p = e["params"]
        raw = [v for fork in e["primaryMetric"]["rawData"] for v in fork]
        key = (int(p["size"]), int(p["batch"]), float(p["density"]), int(p.get("threads", 1)))
        med.setdefault(key, {})[name] = statistics.median(raw)
    return med


def break_even(curve):
    """curve: {density: speedup}; returns the density where the speedup is 1, or 0 if never."""
    ds = sorted(curve)
    top = ds[-1]
    if curve[top] >= 1:
        return min(1.0, top * curve[top])
    for lo, hi in zip(reversed(ds[:-1]), reversed(ds[1:])):
        if curve[lo] >= 1:
            t = (1 - curve[lo]) / (curve[hi] - curve[lo])
            return math.exp(math.log(lo) + t * math.log(hi / lo))
    return 0.0


def main():
    med = load(sys.argv[1])
    source = sys.argv[2]
    nm_label = {0.5: "2:4", 0.25: "1:4", 0.1: "1:10", 0.05: "1:20"}
    print("| size | batch | threads | density | dense µs | csr µs | csr scalar µs | block 4x16 µs | n:m µs "
          "| csr × | block × | n:m × |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    curves = {}
    for key in sorted(med, key=lambda k: (k[0], k[1], k[3], -k[2])):
        size, batch, density, threads = key
        m = med[key]
        d = m["dense"]
        sp = {f: d / m[f] for f in FORMATS}
        for f in FORMATS:
            curves.setdefault((size, batch, threads, f), {})[density] = sp[f]
        print(f"| {size} | {batch} | {threads} | {density} | {d:.1f} | {m['csr']:.1f} | {m['csrScalar']:.1f} "
              f"| {m['block']:.1f} | {m['nm']:.1f} ({nm_label.get(density, '?')}) "
              f"| {sp['csr']:.2f} | {sp['block']:.2f} | {sp['nm']:.2f} |")
    print()
    print("| size | batch | threads | format | break-even density |")
    print("|---|---|---|---|---|")
    for (size, batch, threads, f), curve in sorted(curves.items()):
        be = break_even(curve)
        text = f"{be:.3f}" if be > 0 else f"none (slower than dense at {min(curve)})"
        print(f"| {size} | {batch} | {threads} | {f} | {text} |")
    if len(sys.argv) > 3:
        with open(sys.argv[3], "w") as out:
            out.write("# Sparse-over-dense speedups (dense median time / sparse median time), written by\n")
            out.write("# joule-bench/scripts/sparse-break-even.py from a SparseMatvecBenchmark run; see\n")
            out.write("# joule-bench/results/sparse-kernels-2026-11-26.md for the command and the raw medians.\n")
            out.write(f"source={source}\n")
            for (size, batch, threads, f), curve in sorted(curves.items()):
                if threads != 1:
                    continue
                pairs = " ".join(f"{d}={curve[d]:.3f}" for d in sorted(curve, reverse=True))
                out.write(f"speedup.{f}.batch{batch}={pairs}\n")


if __name__ == "__main__":
    main()
