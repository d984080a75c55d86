# A GPU load whose own NVML energy counter delta is printed, to compare with `joule measure`.
import sys, time, json
import pynvml, torch
secs = float(sys.argv[1]) if len(sys.argv) > 1 else 15
pynvml.nvmlInit()
h = pynvml.nvmlDeviceGetHandleByIndex(0)
e0 = pynvml.nvmlDeviceGetTotalEnergyConsumption(h); t0 = time.time()
a = torch.randn(8192, 8192, device="cuda", dtype=torch.bfloat16)
n = 0
while time.time() - t0 < secs:
    for _ in range(20):
        a = (a @ a).clamp_(-1, 1)
    torch.cuda.synchronize(); n += 20
e1 = pynvml.nvmlDeviceGetTotalEnergyConsumption(h); t1 = time.time()
print(json.dumps({"self_nvml_j": (e1 - e0) / 1000.0, "self_s": t1 - t0, "matmuls": n,
                  "self_mean_w": (e1 - e0) / 1000.0 / (t1 - t0)}))
