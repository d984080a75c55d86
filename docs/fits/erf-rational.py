"""Fits erf(x) ~= x * P(x^2) / Q(x^2) on [0, 4] for GeluVector.normalCdfRational (joule-nn).

Linearised weighted least squares (P - f Q = 0 with Q(0) = 1, weights 1/|Q| from the previous pass, and x
so that the absolute error of erf is what is minimised), iterated towards minimax; then the f32 Horner
evaluation is simulated to report the error the engine sees. Run: python3 erf-rational.py 7 6
(numbers of P and Q coefficients) -> max abs err 3.1e-9 in double, 3.2e-7 evaluated in f32.
"""
import numpy as np
from scipy.special import erf
xs = np.linspace(1e-6, 4.0, 20000)
t = xs*xs
f = erf(xs)/xs
import sys
npc, nqc = int(sys.argv[1]), int(sys.argv[2])
w = np.ones_like(xs)
for it in range(30):
    # P(t) - f*Q(t) = 0, Q(t) = 1 + q1 t + ...
    A = np.hstack([np.vstack([t**i for i in range(npc)]).T, -(f[:,None]*np.vstack([t**i for i in range(1,nqc)]).T)])
    b = f
    # weight: 1/Q_prev, and emphasise absolute error of erf = x * (P/Q) -> multiply by x
    W = (w*xs)[:,None]
    sol, *_ = np.linalg.lstsq(A*W, b*W[:,0], rcond=None)
    p = sol[:npc]; q = np.concatenate([[1.0], sol[npc:]])
    Q = sum(q[i]*t**i for i in range(nqc))
    w = 1/np.abs(Q)
    P = sum(p[i]*t**i for i in range(npc))
    err = np.max(np.abs(xs*P/Q - erf(xs)))
print("max abs err (double):", err)
print("p =", repr(p)); print("q =", repr(q))
# f32 evaluation (Horner with fma emulated as f32 mul+add rounding once via float64 then cast)
f32=np.float32
xs2 = np.linspace(0, 4, 400001).astype(f32)
def horner(c, tt):
    r = np.full_like(tt, f32(c[-1]))
    for ci in reversed(c[:-1]):
        r = (r.astype(np.float64)*tt.astype(np.float64) + np.float64(f32(ci))).astype(f32)  # fma: one rounding
    return r
tt = (xs2*xs2).astype(f32)
P32 = horner(p, tt); Q32 = horner(q, tt)
e32 = (xs2*P32).astype(f32)/Q32
e32 = e32.astype(f32)
print("max abs err (f32 eval):", np.max(np.abs(e32.astype(np.float64) - erf(xs2.astype(np.float64)))))
for c in p: print("%.9e" % f32(c))
for c in q: print("%.9e" % f32(c))
