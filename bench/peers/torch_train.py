"""PyTorch peer for catnet's training benchmark.

The course's 4-layer net [12288, 20, 7, 5, 1] (ReLU hidden layers, sigmoid output, cross-entropy),
one full-batch iteration = forward + backward + plain SGD step, on 209 random float32 samples.
Timed at torch.set_num_threads(1) and (2); the best is the peer figure.

Usage: /usr/bin/python3 torch_train.py [--iterations N] [--threads 1,2]
Prints one JSON object on stdout.
"""

import argparse
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blas_info import blas_info, blas_threads, limit_blas_threads, openblas_env  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=200, help="timed iterations per thread count")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts to try")
    parser.add_argument("--m", type=int, default=209, help="examples in the batch")
    return parser.parse_args()


def torch_blas_build(torch):
    """BLAS_INFO from torch's build settings: 'mkl' (linked in, invisible in /proc/self/maps), 'open'
    (OpenBLAS), or 'generic' (whatever libblas.so.3 the system provides: see "blas")."""
    try:
        config = torch.__config__.show()
    except Exception as error:  # noqa: BLE001 - any failure just means "unknown"
        return f"unknown ({error})"
    found = re.search(r"BLAS_INFO=([^,\s]+)", config)
    return found.group(1) if found else "unknown (no BLAS_INFO in torch.__config__.show())"


def build_net(torch, layer_dims):
    layers = []
    for l in range(1, len(layer_dims)):
        layers.append(torch.nn.Linear(layer_dims[l - 1], layer_dims[l]))
        if l < len(layer_dims) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def time_iterations(torch, threads, iterations, m, layer_dims):
    """torch's intra-op threads and the BLAS pool both capped at `threads` while timing."""
    limiter, limited = limit_blas_threads(threads)
    with limiter:
        threads_in_blas = blas_threads()
        result = _time_iterations(torch, threads, iterations, m, layer_dims)
    result["blas_threads_limited"] = limited
    result["blas_threads"] = threads_in_blas
    return result


def _time_iterations(torch, threads, iterations, m, layer_dims):
    torch.set_num_threads(threads)
    torch.manual_seed(1)
    X = torch.rand(m, layer_dims[0], dtype=torch.float32)  # (m, n_x): torch's row-per-example layout
    Y = (torch.rand(m, 1) > 0.5).to(torch.float32)
    net = build_net(torch, layer_dims)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    optimizer = torch.optim.SGD(net.parameters(), lr=0.0075)

    def step():
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(net(X), Y)
        loss.backward()
        optimizer.step()
        return loss

    for _ in range(max(5, iterations // 10)):  # warm-up: allocator, thread pool, caches
        step()
    samples = []
    for _ in range(iterations):
        t0 = time.perf_counter()
        step()
        samples.append((time.perf_counter() - t0) * 1000.0)
    samples.sort()
    return {
        "threads": threads,
        "ms_median": samples[len(samples) // 2],
        "ms_min": samples[0],
        "ms_mean": sum(samples) / len(samples),
        "iterations": iterations,
    }


def main():
    args = parse_args()
    try:
        import torch
    except ImportError as error:
        print(json.dumps({"ok": False, "error": f"torch not importable: {error}"}))
        return 0
    layer_dims = [12288, 20, 7, 5, 1]
    runs = [time_iterations(torch, int(t), args.iterations, args.m, layer_dims) for t in args.threads.split(",")]
    best = min(runs, key=lambda r: r["ms_median"])
    print(
        json.dumps(
            {
                "ok": True,
                "peer": "torch",
                "version": torch.__version__,
                "dtype": "float32",
                "layer_dims": layer_dims,
                "m": args.m,
                "ms_per_iteration": best["ms_median"],
                "ms_min": min(r["ms_min"] for r in runs),
                "best_threads": best["threads"],
                "runs": runs,
                "blas": blas_info(),
                "blas_build": torch_blas_build(torch),
                "openblas_env": openblas_env(),
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
