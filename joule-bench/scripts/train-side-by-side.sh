#!/usr/bin/env bash
# Seconds per training epoch and test accuracy, PyTorch and Joule, same model, data, batch, optimizer
# and thread count, one after the other in one run (so the machine's noise is shared).
#   joule-bench/scripts/train-side-by-side.sh mlp 3        # model, epochs
# Needs: apt-get install -y python3-torch libopenblas0-openmp dataset-fashion-mnist
set -euo pipefail
model="${1:-mlp}"; epochs="${2:-3}"; threads="${THREADS:-2}"
here="$(cd "$(dirname "$0")" && pwd)"; root="$here/../.."
out="$(mktemp -d)"
/usr/bin/python3 "$here/train_torch.py" --model "$model" --epochs "$epochs" --threads "$threads" | tee "$out/torch.json"
"$root/joule" train --model "$model" --task fashion-mnist --epochs "$epochs" --threads "$threads" \
  --out "$out/joule-ckpt" --json | tee "$out/joule.json"
/usr/bin/python3 - "$out/torch.json" "$out/joule.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1])); j = json.load(open(sys.argv[2]))
js = j.get("medianSecondsPerEpoch") or j["seconds"] / max(1, j.get("epochs", 1))
print(f"{t['model']}: pytorch {t['median_seconds_per_epoch']:.2f} s/epoch, acc {100*t['accuracy']:.2f}% | "
      f"joule {js:.2f} s/epoch, acc {100*j['accuracy']:.2f}% | ratio joule/pytorch {js/t['median_seconds_per_epoch']:.2f}")
PY
