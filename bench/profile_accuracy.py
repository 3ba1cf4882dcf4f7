# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: does a profile predict real merged passes? With and without the merging terms.

Profiles vit_small here (the baseline of this run), then times whole passes of the blocks with
Janus schedules at several alphas, frame-like (a 10 ms pause before each, alphas interleaved),
and prints measured / predicted, with the profile's merging and size-bias terms and without.
    python bench/profile_accuracy.py [--threads 1]       (taskset -c 1 for one core)
"""
from __future__ import annotations

import argparse
import sys
import time

import janus_ros.tools  # noqa: F401  (sets torch's OpenMP spin as the nodes do, before torch)
import numpy as np
import torch

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.models import ModelSpec
from janus_ros.core.split_vit import TokenState
from janus_ros.planning.profile import LayerModel
from janus_ros.planning.profiler import measure

ALPHAS = (0.0, 0.2, 0.3, 0.5)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model', default='vit_small_patch16_224')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: default)')
    ap.add_argument('--passes', type=int, default=25, help='timed passes per alpha')
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    engine = JanusEngine(ModelSpec(args.model, weights='random', seed=0))
    prof = measure(engine)
    n, x0 = prof.depth, prof.tokens0
    schedules = {a: S.janus_schedule(a, n, x0) for a in ALPHAS}
    x = torch.randn(1, x0, prof.embed_dim)
    runs: dict[float, list[float]] = {a: [] for a in ALPHAS}
    for _ in range(args.passes):
        for alpha, sched in schedules.items():
            time.sleep(0.01)
            t0 = time.perf_counter()
            engine.vit.run_blocks(TokenState(x=x), 1, n, sched)
            runs[alpha].append(time.perf_counter() - t0)
    plain = prof.__class__(**{**prof.__dict__, 'merge': LayerModel(), 'sized': LayerModel()})
    print(f'{args.model}, {torch.get_num_threads()} threads: all blocks, median of '
          f'{args.passes} passes')
    print('alpha  measured  predicted  ratio  without merging terms  ratio')
    for alpha, sched in schedules.items():
        counts = np.array(S.token_counts(sched, x0), float)
        measured = float(np.median(runs[alpha]))
        full = float(prof.blocks_time(counts, 1, n)[0])
        bare = float(plain.blocks_time(counts, 1, n)[0])
        print(f'{alpha:5.2f} {measured * 1e3:7.1f} ms {full * 1e3:7.1f} ms  {measured / full:5.3f}'
              f'  {bare * 1e3:18.1f} ms  {measured / bare:5.3f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
