# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: whole-model latency on this CPU, unmerged vs Janus alpha_max vs ToMe r = 13.

Ratios are against the unmerged model measured in the same run (batch 1, random weights).
Anchors: ToMe 1.64x for ViT-S/16 at r = 13 (V100); Janus Table I 653.3 -> 403.2 ms (1.62x)
for ViT-L@384 (Jetson). Target: >= 1.4x for vit_small at r = 13 here.
    python bench/model_latency.py [--models ...] [--repeats 10]
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.models import ModelSpec

MODELS = ('deit_tiny_patch16_224', 'vit_small_patch16_224', 'vit_base_patch16_224',
          'vit_large_patch16_384')


def timed(fn, repeats: int) -> float:
    """Median seconds of ``fn`` after one warm-up call."""
    fn()
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return float(np.median(out))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--models', nargs='+', default=list(MODELS))
    ap.add_argument('--repeats', type=int, default=10)
    args = ap.parse_args()
    print(f'torch {torch.__version__}, {torch.get_num_threads()} threads, batch 1')
    print(f'{"model":26s} {"unmerged":>9s} {"alpha_max":>18s} {"ToMe r=13":>18s}')
    for name in args.models:
        e = JanusEngine(ModelSpec(name))
        x = e.pre.normalize([np.zeros((e.pre.height, e.pre.width, 3), np.uint8)])
        n, x0 = e.depth, e.tokens0
        reps = max(2, args.repeats // (8 if 'large' in name else 1))
        base = timed(lambda: e.vit.forward(x, S.constant_schedule(0, n, x0)), reps)
        amax = S.alpha_max(n, x0)
        janus = timed(lambda: e.vit.forward(x, S.janus_schedule(amax, n, x0)), reps)
        tome = timed(lambda: e.vit.forward(x, S.constant_schedule(13, n, x0)), reps)
        print(f'{name:26s} {base * 1e3:7.1f}ms {janus * 1e3:7.1f}ms ({base / janus:4.2f}x) '
              f'{tome * 1e3:7.1f}ms ({base / tome:4.2f}x)   alpha_max={amax:.2f}', flush=True)
    return 0


if __name__ == '__main__':
    sys.exit(main())
