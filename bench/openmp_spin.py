# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: how libgomp's spin after a parallel region costs two processes taking turns.

Two processes alternate at half of vit_small (blocks 1-6, two torch threads each), as robot and
cloud do on one host; one process alone is the baseline of the same run. Each setting runs in
fresh interpreters, since libgomp reads GOMP_SPINCOUNT when torch loads. Settings: libgomp's
default (300,000 spins) and janus_ros's (``janus_ros.openmp.SPIN_COUNT``).
    python bench/openmp_spin.py [--rounds 3]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time
from typing import Any, Optional

import numpy as np

TURNS = 60


def half_model() -> tuple[Any, Any]:
    """Blocks 1-6 of a random vit_small and a 197-token input."""
    import timm
    import torch
    torch.set_num_threads(2)
    model = timm.create_model('vit_small_patch16_224').eval()
    return model.blocks[:6], torch.randn(1, 197, 384)


def turns(rx: Optional[Any], tx: Optional[Any], first: bool, out: Any) -> None:
    """Run ``TURNS`` timed turns, waiting for the peer's signal before each (none: alone)."""
    import torch
    blocks, x = half_model()
    with torch.inference_mode():
        for _ in range(5):
            blocks(x)
        times = []
        for i in range(TURNS):
            if rx is not None and not (first and i == 0):
                rx.recv()
            t0 = time.perf_counter()
            blocks(x)
            times.append(time.perf_counter() - t0)
            if tx is not None:
                tx.send(1)
    out.put(float(np.median(times[5:])))


def measure(spin: str) -> tuple[float, float]:
    """Median turn (s) alone, and taking turns with a peer, under ``GOMP_SPINCOUNT=spin``."""
    os.environ['GOMP_SPINCOUNT'] = spin  # inherited by the spawned interpreters
    ctx = mp.get_context('spawn')
    q = ctx.Queue()
    alone = ctx.Process(target=turns, args=(None, None, True, q))
    alone.start()
    solo = q.get()
    alone.join()
    a_rx, b_tx = ctx.Pipe(False)
    b_rx, a_tx = ctx.Pipe(False)
    pair = [ctx.Process(target=turns, args=(a_rx, a_tx, True, q)),
            ctx.Process(target=turns, args=(b_rx, b_tx, False, q))]
    for p in pair:
        p.start()
    both = [q.get(), q.get()]
    for p in pair:
        p.join()
    return solo, float(np.mean(both))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--rounds', type=int, default=3, help='settings alternate this many times')
    args = ap.parse_args()
    from janus_ros.openmp import SPIN_COUNT
    settings = {'libgomp default (300000)': '300000', f'janus_ros ({SPIN_COUNT})': SPIN_COUNT}
    print('half of vit_small, 2 threads per process, 2 processes taking turns on this host')
    for r in range(args.rounds):
        for name, spin in settings.items():
            solo, both = measure(spin)
            print(f'round {r + 1} {name:26s} alone {solo * 1e3:5.1f} ms  taking turns '
                  f'{both * 1e3:5.1f} ms  ({both / solo:4.2f}x alone)', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
