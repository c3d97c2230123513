"""NumPy peer for catnet's training benchmark (float64, the course's vectorised formulation).

The 4-layer net [12288, 20, 7, 5, 1]: ReLU hidden layers, sigmoid output, cross-entropy cost, one
full-batch gradient-descent iteration = forward + cost + backward + update, on 209 random samples.
X (n_x, m), W[l] (n[l], n[l-1]), b[l] (n[l], 1), as in the course. Timed with the BLAS capped at 1
and at 2 threads (threadpoolctl); the best is the peer figure.

Run with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE unset so OpenBLAS picks its own kernel; the kernel
actually used is reported under "blas".
Usage: /usr/bin/python3 numpy_train.py [--iterations N] [--threads 1,2]
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blas_info import blas_info, blas_threads, limit_blas_threads, openblas_env  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=50, help="timed iterations per thread count")
    parser.add_argument("--threads", default="1,2", help="comma-separated BLAS thread counts to try")
    parser.add_argument("--m", type=int, default=209, help="examples in the batch")
    return parser.parse_args()


def initialize(np, rng, layer_dims):
    params = {}
    for l in range(1, len(layer_dims)):
        params[f"W{l}"] = rng.standard_normal((layer_dims[l], layer_dims[l - 1])) / np.sqrt(layer_dims[l - 1])
        params[f"b{l}"] = np.zeros((layer_dims[l], 1))
    return params


def iteration(np, params, X, Y, L, learning_rate):
    """One gradient-descent step; returns the cost."""
    m = X.shape[1]
    A = X
    caches = []
    for l in range(1, L + 1):
        A_prev = A
        Z = params[f"W{l}"] @ A_prev + params[f"b{l}"]
        A = 1.0 / (1.0 + np.exp(-Z)) if l == L else np.maximum(Z, 0.0)
        caches.append((A_prev, Z))
    AL = np.clip(A, 1e-12, 1 - 1e-12)
    cost = -np.sum(Y * np.log(AL) + (1 - Y) * np.log(1 - AL)) / m
    dZ = A - Y
    for l in range(L, 0, -1):
        A_prev, Z = caches[l - 1]
        if l < L:
            dZ = dA * (Z > 0)
        dW = (dZ @ A_prev.T) / m
        db = np.sum(dZ, axis=1, keepdims=True) / m
        if l > 1:
            dA = params[f"W{l}"].T @ dZ
        params[f"W{l}"] -= learning_rate * dW
        params[f"b{l}"] -= learning_rate * db
    return cost


def time_iterations(np, threads, iterations, m, layer_dims):
    limiter, limited = limit_blas_threads(threads)
    rng = np.random.default_rng(1)
    X = rng.random((layer_dims[0], m))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    params = initialize(np, rng, layer_dims)
    L = len(layer_dims) - 1
    samples = []
    with limiter:
        threads_in_blas = blas_threads()
        for _ in range(max(3, iterations // 10)):
            iteration(np, params, X, Y, L, 0.0075)
        for _ in range(iterations):
            t0 = time.perf_counter()
            iteration(np, params, X, Y, L, 0.0075)
            samples.append((time.perf_counter() - t0) * 1000.0)
    samples.sort()
    return {
        "threads": threads,
        "ms_median": samples[len(samples) // 2],
        "ms_min": samples[0],
        "ms_mean": sum(samples) / len(samples),
        "iterations": iterations,
        "blas_threads_limited": limited,
        "blas_threads": threads_in_blas,
    }


def main():
    args = parse_args()
    try:
        import numpy as np
    except ImportError as error:
        print(json.dumps({"ok": False, "error": f"numpy not importable: {error}"}))
        return 0
    layer_dims = [12288, 20, 7, 5, 1]
    runs = [time_iterations(np, int(t), args.iterations, args.m, layer_dims) for t in args.threads.split(",")]
    best = min(runs, key=lambda r: r["ms_median"])
    print(
        json.dumps(
            {
                "ok": True,
                "peer": "numpy",
                "version": np.__version__,
                "dtype": "float64",
                "layer_dims": layer_dims,
                "m": args.m,
                "ms_per_iteration": best["ms_median"],
                "ms_min": min(r["ms_min"] for r in runs),
                "best_threads": best["threads"],
                "runs": runs,
                "blas": blas_info(),
                "openblas_env": openblas_env(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
