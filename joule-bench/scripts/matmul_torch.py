#!/usr/bin/python3
"""f32 matmul GFLOP/s in PyTorch (CPU) for the same shapes as Joule's GemmBenchmark.

Prints one line per (threads, shape): `torch threads=T shape=MxNxK gflops=G`.
Run with the system python (Debian's python3-torch): /usr/bin/python3 matmul_torch.py
"""
import argparse
import time

import torch


def shapes(sizes, gemv_sizes):
    out = [(n, n, n) for n in sizes]
    out += [(1, n, n) for n in gemv_sizes]  # batch-1 matrix-vector: [1 x n] . [n x n]
    return out


def gflops(m, n, k, seconds_budget):
    a = torch.rand(m, k, dtype=torch.float32)
    b = torch.rand(k, n, dtype=torch.float32)
    c = torch.empty(m, n, dtype=torch.float32)
    flop = 2.0 * m * n * k
    # Warm up while finding a repetition count that lasts a 25th of the budget.
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.matmul(a, b, out=c)
        dt = time.perf_counter() - t0
        if dt > seconds_budget / 25:
            break
        reps *= 2
    # Then 5 timed rounds, averaged like JMH's iterations (not the best round, which flatters).
    rates = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(reps):
            torch.matmul(a, b, out=c)
        dt = time.perf_counter() - t0
        rates.append(flop * reps / dt / 1e9)
    return sum(rates) / len(rates)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--sizes", default="64,127,256,512,1024")
    p.add_argument("--gemv-sizes", default="1024")
    p.add_argument("--threads", default="1,2")
    p.add_argument("--seconds", type=float, default=1.0, help="time budget per shape")
    args = p.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"# torch {torch.__version__}, {torch.__config__.parallel_info().splitlines()[0]}")
    for threads in [int(t) for t in args.threads.split(",")]:
        torch.set_num_threads(threads)
        for m, n, k in shapes(sizes, [int(s) for s in args.gemv_sizes.split(",")]):
            g = gflops(m, n, k, args.seconds)
            print(f"torch threads={threads} shape={m}x{n}x{k} gflops={g:.1f}", flush=True)


if __name__ == "__main__":
    main()
