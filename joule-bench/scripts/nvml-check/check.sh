#!/usr/bin/env bash
# NVML cross-check on a machine with an NVIDIA GPU: Joule's `measure` window around a GPU load must
# agree with the load's own NVML energy-counter delta, plus idle power for the seconds outside it.
# JAVA may point at any JDK 17+ (a jlink'ed runtime works); JAR at the fat jar.
set -x
JAVA=${JAVA:-java}
JAR=${JAR:-joule-cli/target/joule.jar}
OUT=${OUT:-.}
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
J="$JAVA --add-modules jdk.incubator.vector -jar $JAR"
nvidia-smi --query-gpu=name,power.draw,power.limit --format=csv
$J info 2>&1 | tail -8
$J measure --json --meter nvml -- sleep 3 > "$OUT/idle.json"; cat "$OUT/idle.json"
$J measure --json -- python3 "$here/gpu_load.py" 15 > "$OUT/load.json"; cat "$OUT/load.json"
$J measure --json --meter nvml -- python3 "$here/gpu_load.py" 10 > "$OUT/load2.json"; cat "$OUT/load2.json"
