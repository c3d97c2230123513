"""Pillow peer for catnet's ingest benchmark: JPEG files -> 64x64 RGB bytes (12,288 each).

Per file: open, draft mode (the JPEG decoder scales by 1/2, 1/4 or 1/8 while decoding, to the
smallest size still >= 64x64), convert to RGB, centre-crop and resize to 64x64 (ImageOps.fit, the
same "cover" as catnet's default), take the bytes. Files are spread over a pool of worker processes
(default: all cores). The pool is started and the files read once before timing, so the figure is
decode + resize with a warm OS file cache, like catnet's cold-cache ingest figure.

Usage: /usr/bin/python3 pillow_ingest.py FOLDER [--processes N] [--repeats N]
"""

import argparse
import json
import multiprocessing
import os
import sys
import time


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", help="folder of .jpg files (not recursive)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeats", type=int, default=3, help="timed passes; the best is reported")
    return parser.parse_args()


def ingest_one(path):
    from PIL import Image, ImageOps

    with Image.open(path) as image:
        image.draft("RGB", (64, 64))
        rgb = image.convert("RGB")
        pixels = ImageOps.fit(rgb, (64, 64)).tobytes()
    if len(pixels) != 64 * 64 * 3:
        raise ValueError(f"{path}: got {len(pixels)} bytes, expected 12288")
    return len(pixels)


def main():
    args = parse_args()
    try:
        import PIL
    except ImportError as error:
        print(json.dumps({"ok": False, "error": f"Pillow not importable: {error}"}))
        return 0
    names = sorted(n for n in os.listdir(args.folder) if n.lower().endswith((".jpg", ".jpeg")))
    if not names:
        print(json.dumps({"ok": False, "error": f"no .jpg files in {args.folder}"}))
        return 0
    paths = [os.path.join(args.folder, n) for n in names]
    for path in paths:  # warm the OS file cache
        with open(path, "rb") as f:
            f.read()
    chunk = max(1, len(paths) // (args.processes * 8))
    with multiprocessing.Pool(args.processes) as pool:
        pool.map(ingest_one, paths[: args.processes * 2], chunksize=1)  # start and import in every worker
        seconds = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            total = sum(pool.imap_unordered(ingest_one, paths, chunksize=chunk))
            seconds.append(time.perf_counter() - t0)
    best = min(seconds)
    print(
        json.dumps(
            {
                "ok": True,
                "peer": "pillow",
                "version": PIL.__version__,
                "images": len(paths),
                "bytes_out": total,
                "processes": args.processes,
                "images_per_s": len(paths) / best,
                "seconds": seconds,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
