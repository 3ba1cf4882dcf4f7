# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: planner decision time for ViT-L@384 (N = 24, 15 split candidates, 29 alphas,
3 wire codecs, 3 image codecs), full planner vs Algorithm 1 in the same run.

The paper reports ~1 ms per decision; target: full planner median <= 100 us.
    python bench/planner_decision.py [--decisions 5000]
"""
from __future__ import annotations

import argparse
import sys
import time

import numpy as np

from janus_ros.planning.paper_profiles import paper_profile
from janus_ros.planning.planner import LinkState, Planner, PlannerConfig


def run(planner: Planner, n: int, rng: np.random.Generator) -> np.ndarray:
    """Decision times (s) over random links."""
    links = [LinkState(float(b), 0.02) for b in rng.uniform(0.5e6, 100e6, n)]
    out = np.empty(n)
    for i, link in enumerate(links):
        t0 = time.perf_counter()
        planner.decide(link, now=float(i))
        out[i] = time.perf_counter() - t0
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--decisions', type=int, default=5000)
    args = ap.parse_args()
    robot, cloud = paper_profile('jetson-orin-nano'), paper_profile('v100')
    full = Planner(robot, cloud, PlannerConfig(max_alpha=0.28, dwell_s=0))
    paper = Planner(robot, cloud, PlannerConfig(max_alpha=0.28, mode='paper'))
    print(f'{len(full.alphas)} alphas, {len(full.paper_splits)} split candidates, '
          f'{len(full.options)} options in the full planner')
    rng = np.random.default_rng(0)
    for name, p in (('Algorithm 1 (paper mode)', paper), ('full planner', full)):
        t = run(p, args.decisions, rng) * 1e6
        print(f'{name:26s} median {np.median(t):7.1f} us  p99 {np.percentile(t, 99):7.1f} us',
              flush=True)
    t = run(full, args.decisions, rng)
    print(f'full planner median {np.median(t) * 1e6:.1f} us (target <= 100 us: '
          f'{"met" if np.median(t) <= 100e-6 else "MISSED"}); paper reports ~1 ms: '
          f'{1e-3 / np.median(t):.0f}x faster')
    return 0


if __name__ == '__main__':
    sys.exit(main())
