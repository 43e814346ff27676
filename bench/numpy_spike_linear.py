#!/usr/bin/env python3
"""Float32 NumPy version of one SpikeLinear forward pass, the baseline for benches/model.rs.

Same work as the Rust bit-accurate model: the ternary neuron over T time steps (membrane
recurrence of docs/arithmetic.md section 1, round-half-even comparator) followed by y_t = alpha_t (W q_t) + b.
Prints one JSON line: {"t", "n", "din", "dout", "repeats", "median_ms", "min_ms", "firing_rate"}.
"""

import argparse
import json
import time

import numpy as np


def neuron(x, alphas):
    """x: float32 [T, N, Din]; alphas: float32 [T]. Returns ternary spikes float32 [T, N, Din]."""
    q = np.empty_like(x)
    u = np.zeros_like(x[0])
    q_prev = np.zeros_like(x[0])
    for t in range(x.shape[0]):
        if t == 0:
            u = x[0].copy()
        else:
            u = np.float32(0.25) * alphas[t - 1] * (np.float32(1) - q_prev) * u + x[t]
        q_prev = np.clip(np.round(u / alphas[t]), -1, 1)  # np.round is round-half-even
        q[t] = q_prev
    return q


def forward(x, w, b, alphas):
    q = neuron(x, alphas)
    t, n, din = x.shape
    y = (q.reshape(t * n, din) @ w.T).reshape(t, n, -1)
    return y * alphas[:, None, None] + b, q


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--t", type=int, default=4)
    p.add_argument("--n", type=int, default=128)
    p.add_argument("--din", type=int, default=768)
    p.add_argument("--dout", type=int, default=3072)
    p.add_argument("--repeats", type=int, default=15)
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    rng = np.random.default_rng(a.seed)
    x = rng.standard_normal((a.t, a.n, a.din), dtype=np.float32)
    w = (rng.standard_normal((a.dout, a.din), dtype=np.float32) * np.float32(0.02))
    b = rng.standard_normal(a.dout, dtype=np.float32) * np.float32(0.02)
    alphas = np.full(a.t, 2 * np.abs(x[0]).mean(), dtype=np.float32)
    forward(x, w, b, alphas)  # warm-up
    times = []
    for _ in range(a.repeats):
        start = time.perf_counter()
        _, q = forward(x, w, b, alphas)
        times.append((time.perf_counter() - start) * 1e3)
    print(json.dumps({
        "t": a.t, "n": a.n, "din": a.din, "dout": a.dout, "repeats": a.repeats,
        "median_ms": float(np.median(times)), "min_ms": float(np.min(times)),
        "firing_rate": float(np.abs(q).mean()),
    }))


if __name__ == "__main__":
    main()
