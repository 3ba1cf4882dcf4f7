# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Uplink bandwidth and RTT estimators over timestamped samples that age out.

``harmonic``: harmonic mean of the last W samples (the paper, after FESTIVE): robust to one
lucky burst. ``ewma``: exponentially weighted, reacts faster. ``percentile``: a low percentile
of the window, conservative. Before the first sample the cold-start prior is used; when all
samples have aged out the last estimate is held (marked with zero live samples), since falling
back to an optimistic prior on a link too slow to probe sends frames into it again.

Level shifts: a harmonic mean over W samples needs W new samples to forget an outage, which is
seconds when samples come from probes. With ``shift_factor`` set, when the newest
``shift_samples`` samples all differ from the estimate of the older ones by more than that
factor (up or down), the older ones are dropped and the estimate follows at once.
"""
from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Optional

import numpy as np

METHODS = ('harmonic', 'ewma', 'percentile')


@dataclass(frozen=True)
class BandwidthEstimate:
    """An estimate and how much evidence stands behind it."""

    bps: float
    samples: int
    newest_age_s: float
    method: str


class ThroughputEstimator:
    """Estimate throughput (bit/s) from samples at times ``t`` (s, any monotonic clock)."""

    def __init__(self, method: str = 'harmonic', window: int = 5, max_age_s: float = 10.0,
                 prior_bps: float = 10e6, ewma_weight: float = 0.3,
                 percentile: float = 20.0, shift_factor: float = 0.0,
                 shift_samples: int = 2) -> None:
        if method not in METHODS:
            raise ValueError(f'unknown estimator {method!r}; choose from {METHODS}')
        if window < 1 or max_age_s <= 0 or prior_bps < 0 or not 0 < ewma_weight <= 1:
            raise ValueError('window >= 1, max_age_s > 0, prior_bps >= 0, 0 < ewma_weight <= 1')
        self.method = method
        self.max_age_s = max_age_s
        self.prior_bps = prior_bps
        self.ewma_weight = ewma_weight
        self.percentile = percentile
        self.shift_factor = shift_factor
        self.shift_samples = max(1, shift_samples)
        self._samples: deque[tuple[float, float]] = deque(maxlen=window)
        self._held: Optional[float] = None   # the last estimate made from live samples

    def add(self, bps: float, t: float) -> None:
        """Record one throughput sample; non-finite or negative samples are ignored."""
        if math.isfinite(bps) and bps >= 0:
            self._samples.append((t, bps))
            if self.shift_factor > 1:
                self._drop_before_shift(t)

    def _drop_before_shift(self, now: float) -> None:
        live = self.live(now)
        k = self.shift_samples
        if len(live) <= k:
            return
        older, newest, f = self._combine(live[:-k]), live[-k:], self.shift_factor
        if all(v > older * f for v in newest) or all(v * f < older for v in newest):
            for _ in range(len(self._samples) - k):
                self._samples.popleft()

    def live(self, now: float) -> list[float]:
        """Return the window's samples not older than max_age_s, oldest first."""
        return [v for t, v in self._samples if now - t <= self.max_age_s]

    def estimate(self, now: float) -> BandwidthEstimate:
        """Return the current estimate, or the prior when no live sample remains."""
        values = self.live(now)
        age = now - self._samples[-1][0] if self._samples else math.inf
        if not values:
            if self._held is None:
                return BandwidthEstimate(self.prior_bps, 0, age, 'prior')
            return BandwidthEstimate(self._held, 0, age, 'held')
        bps = self._held = self._combine(values)
        return BandwidthEstimate(bps, len(values), age, self.method)

    def _combine(self, values: list[float]) -> float:
        if self.method == 'harmonic':
            return 0.0 if min(values) <= 0 else len(values) / sum(1.0 / v for v in values)
        if self.method == 'ewma':
            bps = values[0]
            for v in values[1:]:
                bps = (1 - self.ewma_weight) * bps + self.ewma_weight * v
            return bps
        return float(np.percentile(values, self.percentile))


class RttEstimator:
    """Round-trip time: EWMA of samples, starting from a prior."""

    def __init__(self, prior_s: float = 0.02, weight: float = 0.25) -> None:
        self.rtt_s = prior_s
        self.min_s = prior_s      # the floor: propagation without queueing
        self.weight = weight
        self.samples = 0

    def add(self, rtt_s: float) -> None:
        """Record one round trip (seconds)."""
        if math.isfinite(rtt_s) and rtt_s >= 0:
            self.rtt_s = rtt_s if self.samples == 0 else \
                (1 - self.weight) * self.rtt_s + self.weight * rtt_s
            self.min_s = rtt_s if self.samples == 0 else min(self.min_s, rtt_s)
            self.samples += 1
