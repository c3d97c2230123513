"""PyTorch peer for catnet's CNN benchmark (bench/conv.ts).

The small CNN of the convolutional-nets table: conv3x3 3->16, ReLU, maxpool 2, conv 16->32, ReLU, pool,
conv 32->64, ReLU, pool, flatten, dense 4096->64, ReLU, dense 64->1, BCE-with-logits; Adam 1e-3,
batch 32. One epoch over N synthetic 64x64x3 uint8 images (NHWC, as catnet holds them): shuffle, per
batch convert to float / 255 (NCHW), random horizontal flip and random shift of up to 4 px from a
reflect-padded image, forward, backward, step. The same schedule as bench/cnn-epoch.ts.
Timed at each thread count given (epoch after one warm-up epoch, best of `--epochs`); the best
thread count is the peer figure. Also times each conv layer's forward and backward alone.

Usage: /usr/bin/python3 conv_torch.py [--images 2000] [--threads 1,2] [--epochs 2]
Prints one JSON object on stdout.
"""

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from blas_info import blas_info, limit_blas_threads, openblas_env  # noqa: E402

SHIFT = 4


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=2000)
    parser.add_argument("--threads", default="1,2")
    parser.add_argument("--epochs", type=int, default=2, help="timed epochs per thread count (best kept)")
    parser.add_argument("--batch", type=int, default=32)
    return parser.parse_args()


def build_net(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(4096, 64), nn.ReLU(), nn.Linear(64, 1),
    )


def augment(torch, x, generator):
    """x (m, 3, 64, 64) float: random flip, then a random shift of up to SHIFT px per image (reflect pad + crop)."""
    m = x.shape[0]
    flip = torch.rand(m, generator=generator) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    padded = torch.nn.functional.pad(x, (SHIFT, SHIFT, SHIFT, SHIFT), mode="reflect")
    shifts = torch.randint(0, 2 * SHIFT + 1, (m, 2), generator=generator).tolist()
    return torch.stack([padded[i, :, dy : dy + 64, dx : dx + 64] for i, (dy, dx) in enumerate(shifts)])


def run_epoch(torch, net, optimizer, loss_fn, pixels, labels, batch, generator):
    n = pixels.shape[0]
    order = torch.randperm(n, generator=generator)
    for start in range(0, n - batch + 1, batch):
        idx = order[start : start + batch]
        x = pixels[idx].permute(0, 3, 1, 2).to(torch.float32).div_(255.0)
        x = augment(torch, x, generator)
        optimizer.zero_grad(set_to_none=False)
        loss = loss_fn(net(x), labels[idx])
        loss.backward()
        optimizer.step()


def time_layers(torch, net, batch):
    """Forward + backward of each conv layer alone (ms, best of 10), at the current thread count."""
    shapes = [(3, 64), (16, 32), (32, 16)]
    convs = [net[0], net[3], net[6]]
    out = []
    for conv, (c, side) in zip(convs, shapes):
        x = torch.rand(batch, c, side, side, requires_grad=c != 3)
        fwd, total = [], []
        for _ in range(12):
            t0 = time.perf_counter()
            y = conv(x)
            t1 = time.perf_counter()
            y.backward(torch.ones_like(y))
            t2 = time.perf_counter()
            fwd.append((t1 - t0) * 1000)
            total.append((t2 - t0) * 1000)
        out.append({"c_in": c, "c_out": conv.out_channels, "side": side, "forward_ms": min(fwd[2:]),
                    "forward_backward_ms": min(total[2:])})
    return out


def time_threads(torch, threads, args, pixels, labels):
    limiter, limited = limit_blas_threads(threads)
    with limiter:
        torch.set_num_threads(threads)
        torch.manual_seed(1)
        generator = torch.Generator().manual_seed(1)
        net = build_net(torch)
        optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        warm = max(args.batch * 8, args.images // 8)
        run_epoch(torch, net, optimizer, loss_fn, pixels[:warm], labels[:warm], args.batch, generator)
        epochs = []
        for _ in range(args.epochs):
            t0 = time.perf_counter()
            run_epoch(torch, net, optimizer, loss_fn, pixels, labels, args.batch, generator)
            epochs.append((time.perf_counter() - t0) * 1000)
        layers = time_layers(torch, net, args.batch)
    return {"threads": threads, "epoch_ms": min(epochs), "epochs_ms": epochs, "layers": layers,
            "blas_threads_limited": limited}


def main():
    args = parse_args()
    try:
        import torch
    except ImportError as error:
        print(json.dumps({"ok": False, "error": f"torch not importable: {error}"}))
        return 0
    generator = torch.Generator().manual_seed(7)
    pixels = torch.randint(0, 256, (args.images, 64, 64, 3), dtype=torch.uint8, generator=generator)
    labels = (torch.rand(args.images, 1, generator=generator) < 0.5).to(torch.float32)
    runs = [time_threads(torch, int(t), args, pixels, labels) for t in args.threads.split(",")]
    best = min(runs, key=lambda r: r["epoch_ms"])
    print(json.dumps({
        "ok": True,
        "peer": "torch",
        "version": torch.__version__,
        "images": args.images,
        "batch": args.batch,
        "epoch_ms": best["epoch_ms"],
        "best_threads": best["threads"],
        "runs": runs,
        "blas": blas_info(),
        "openblas_env": openblas_env(),
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
