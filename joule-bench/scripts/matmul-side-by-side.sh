#!/usr/bin/env bash
# f32 matmul GFLOP/s, Joule (JMH GemmBenchmark, vector kernels) beside PyTorch (matmul_torch.py),
# at 1 and 2 threads, in one go; prints a table with the ratio Joule / PyTorch.
#
#   joule-bench/scripts/matmul-side-by-side.sh [SIZES] [THREADS]
#   e.g. joule-bench/scripts/matmul-side-by-side.sh 64,127,256,512,1024 1,2
#
# Needs: the benchmarks jar (built here when missing), /usr/bin/python3 with Debian's python3-torch
# (apt-get install -y python3-torch libopenblas0-openmp). Keep runs short on shared machines:
# JMH_OPTS (default "-wi 3 -w 1 -i 3 -r 1 -f 1") and TORCH_SECONDS (default 1) control the length.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sizes="${1:-64,127,256,512,1024}"
threads="${2:-1,2}"
jar="$root/joule-bench/target/benchmarks.jar"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

if [[ ! -f "$jar" ]]; then
  (cd "$root" && mvn -o -q -B -pl joule-bench -am package -DskipTests)
fi
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "PyTorch missing: apt-get install -y python3-torch libopenblas0-openmp" >&2
  exit 1
fi

echo "# $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cpus, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# $(java -version 2>&1 | head -1)"
# shellcheck disable=SC2086
java -jar "$jar" 'GemmBenchmark.(gemm|gemv)Vector' -p size="$sizes" -p threads="$threads" \
  ${JMH_OPTS:--wi 3 -w 1 -i 3 -r 1 -f 1} -rf json -rff "$work/jmh.json" > "$work/jmh.log" 2>&1 \
  || { tail -30 "$work/jmh.log" >&2; exit 1; }
/usr/bin/python3 "$here/matmul_torch.py" --sizes "$sizes" --threads "$threads" \
  --gemv-sizes "$sizes" --seconds "${TORCH_SECONDS:-1}" > "$work/torch.txt"

/usr/bin/python3 - "$work/jmh.json" "$work/torch.txt" <<'PY'
import json, re, sys
joule = {}
for r in json.load(open(sys.argv[1])):
    p = r["params"]
    n, t = int(p["size"]), int(p["threads"])
    kind = "gemm" if r["benchmark"].endswith("gemmVector") else "gemv"
    m = 1 if kind == "gemv" else n
    joule[(kind, t, m, n)] = r["primaryMetric"]["score"] * 2.0 * m * n * n / 1e9
torch = {}
for line in open(sys.argv[2]):
    g = re.match(r"torch threads=(\d+) shape=(\d+)x(\d+)x(\d+) gflops=([\d.]+)", line)
    if g:
        t, m, n, k, v = int(g[1]), int(g[2]), int(g[3]), int(g[4]), float(g[5])
        torch[("gemv" if m == 1 else "gemm", t, m, n)] = v
print(f"{'shape (m x n x k)':<22}{'threads':>8}{'Joule GFLOP/s':>15}{'PyTorch GFLOP/s':>17}{'ratio':>8}")
for key in sorted(joule, key=lambda k: (k[0], k[1], k[3])):
    kind, t, m, n = key
    j, p = joule[key], torch.get(key)
    shape = f"{m}x{n}x{n}"
    ratio = f"{j / p:.2f}" if p else "-"
    print(f"{shape:<22}{t:>8}{j:>15.1f}{(p or float('nan')):>17.1f}{ratio:>8}")
PY
