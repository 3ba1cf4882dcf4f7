# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Token-reduction schedules and split-point candidates (Janus Eq. 1-3, ToMe's constant r).

A schedule is a tuple ``r`` with one entry per transformer block: the number of tokens merged in
block ``l`` (1-based ``l`` is ``r[l - 1]``). Schedules here are always *effective*: each entry is
already capped at what bipartite matching can merge, so ``token_counts`` is exact.

Exponent choice. The paper's Eq. 1 uses ``2 ** (alpha * (N - l))`` and its Eq. 2 (the bound that
defines alpha_max) uses ``N - (l - 1)``. We use Eq. 1's exponent for both: alpha_max must bound
the schedule that actually runs, and Eq. 1 is the one that makes the last block merge exactly one
token ("late layers about one token"). This gives alpha_max = 0.29 for ViT-L@384 and 0.54 for
ViT-B@224 (the paper quotes ~0.28 and ~0.49, which Eq. 2's exponent reproduces).
"""
from __future__ import annotations

import math
from typing import Sequence

ALPHA_STEP = 0.01


def max_merge(tokens: int) -> int:
    """Most tokens one bipartite matching can merge: every non-CLS token of set A (even indices).

    Set A holds ceil(n/2) tokens including the protected CLS, so at most half the tokens merge.
    """
    return max(0, (tokens - 1) // 2)


def capped(requested: Sequence[int], tokens0: int) -> tuple[int, ...]:
    """Cap a requested per-block reduction at what each block can merge, given its input count."""
    out = []
    tokens = tokens0
    for r in requested:
        r_eff = max(0, min(int(r), max_merge(tokens)))
        out.append(r_eff)
        tokens -= r_eff
    return tuple(out)


def janus_reduction(alpha: float, depth: int) -> tuple[int, ...]:
    """Uncapped Eq. 1: dx_l = floor(2 ** (alpha * (N - l))) for alpha > 0, else 0."""
    if alpha < 0:
        raise ValueError(f'alpha must be >= 0, got {alpha}')
    if alpha == 0:
        return (0,) * depth
    # The tiny epsilon keeps exact powers (e.g. 2 ** 3.0 computed as 7.9999) on the right side.
    return tuple(int(math.floor(2.0 ** (alpha * (depth - layer)) + 1e-9))
                 for layer in range(1, depth + 1))


def janus_schedule(alpha: float, depth: int, tokens0: int) -> tuple[int, ...]:
    """Effective Janus declining schedule for ``alpha`` (Eq. 1, capped per block)."""
    return capped(janus_reduction(alpha, depth), tokens0)


def constant_schedule(r: int, depth: int, tokens0: int) -> tuple[int, ...]:
    """Return the constant schedule of ToMe: ``r`` tokens per block, capped per block."""
    if r < 0:
        raise ValueError(f'r must be >= 0, got {r}')
    return capped((r,) * depth, tokens0)


def alpha_max(depth: int, tokens0: int, step: float = ALPHA_STEP) -> float:
    """Largest alpha on the grid whose uncapped Eq. 1 total stays <= tokens0 - 1 (Eq. 2)."""
    best = 0.0
    i = 1
    while True:
        alpha = round(i * step, 10)
        if sum(janus_reduction(alpha, depth)) > tokens0 - 1:
            return best
        best = alpha
        i += 1


def alpha_grid(depth: int, tokens0: int, step: float = ALPHA_STEP) -> tuple[float, ...]:
    """Return the scheduler's alphas: 0, t, 2t, ..., alpha_max."""
    top = alpha_max(depth, tokens0, step)
    return tuple(round(i * step, 10) for i in range(int(round(top / step)) + 1))


def max_constant_r(depth: int, tokens0: int) -> int:
    """Largest constant r that every block can merge in full (the baselines' 'maximum r').

    ViT-L@384 (24 blocks, 577 tokens) gives 23, the value the paper's baselines use.
    """
    r = max_merge(tokens0)
    while r > 0 and capped((r,) * depth, tokens0) != (r,) * depth:
        r -= 1
    return r


def token_counts(schedule: Sequence[int], tokens0: int) -> tuple[int, ...]:
    """Token counts x_0..x_N leaving each block (x_0 = tokens0)."""
    counts = [tokens0]
    for r in schedule:
        counts.append(counts[-1] - r)
    return tuple(counts)


def split_candidates(depth: int, k: int) -> tuple[int, ...]:
    """Fine-to-coarse split points (Eq. 3): {0, N+1} and s_1 = 1, s_i = s_{i-1} + ceil(i / k)."""
    if k < 1:
        raise ValueError(f'k must be >= 1, got {k}')
    points = [0]
    s, i = 1, 1
    while s <= depth:
        points.append(s)
        i += 1
        s += math.ceil(i / k)
    points.append(depth + 1)
    return tuple(points)
