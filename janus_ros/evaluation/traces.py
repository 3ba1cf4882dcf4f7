# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Bandwidth traces as piecewise-constant rates: Pensieve text (``time_s Mbit/s``), 5Gophers CSV.

A trace can be sampled, scaled, cut, and integrated to find when a transfer ends.

Sources (see ../shared/traces/README.md): Norway 3G/HSDPA (Riiser et al., MMSys 2013) and FCC
MBA 2016 in the Pensieve format (MIT), 5Gophers commercial 5G (Narayanan et al., WWW 2020,
CC BY 4.0). Traces loop when a run outlasts them.
"""
from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import numpy as np


@dataclass(frozen=True)
class Trace:
    """Rate ``mbps[i]`` holds from ``times[i]`` until the next time (the last for ``step``)."""

    name: str
    times: np.ndarray
    mbps: np.ndarray

    def __post_init__(self) -> None:
        if len(self.times) == 0 or len(self.times) != len(self.mbps):
            raise ValueError(f'{self.name}: empty trace or times/rates of different length')
        if np.any(np.diff(self.times) <= 0) or np.any(self.mbps < 0):
            raise ValueError(f'{self.name}: times must increase and rates be >= 0')
        ends = np.append(self.times[1:], self.times[-1] + self.step)
        bits = self.mbps * 1e6 * (ends - self.times)
        object.__setattr__(self, '_cum', np.concatenate([[0.0], np.cumsum(bits)]))

    @property
    def step(self) -> float:
        """Duration of the last sample: the median sampling interval."""
        return float(np.median(np.diff(self.times))) if len(self.times) > 1 else 1.0

    @property
    def duration(self) -> float:
        """Length of one period of the trace (s)."""
        return float(self.times[-1] - self.times[0] + self.step)

    @property
    def mean_mbps(self) -> float:
        """Time-weighted mean rate."""
        return float(self._cum[-1] / 1e6 / self.duration)

    def rate_at(self, t: float) -> float:
        """Rate (Mbit/s) at time ``t`` (s), looping."""
        t = self.times[0] + (t % self.duration)
        return float(self.mbps[np.searchsorted(self.times, t, side='right') - 1])

    def _bits_until(self, t: float) -> float:
        periods, within = divmod(t, self.duration)
        x = self.times[0] + within
        i = int(np.searchsorted(self.times, x, side='right') - 1)
        return periods * self._cum[-1] + self._cum[i] + self.mbps[i] * 1e6 * (x - self.times[i])

    def transfer_end(self, t0: float, bits: float) -> float:
        """When ``bits`` sent from ``t0`` have all crossed the link (inf if it never carries)."""
        if bits <= 0:
            return t0
        if self._cum[-1] <= 0:
            return math.inf
        target = self._bits_until(t0) + bits
        periods, rem = divmod(target, self._cum[-1])
        i = max(0, int(np.searchsorted(self._cum, rem, side='left')) - 1)  # earliest segment
        extra = rem - self._cum[i]
        return periods * self.duration + self.times[i] - self.times[0] + \
            (extra / (self.mbps[i] * 1e6) if extra > 0 else 0.0)

    def scaled(self, factor: float) -> 'Trace':
        """Return the trace with every rate multiplied by ``factor`` (state it when used)."""
        return Trace(f'{self.name} x{factor:g}', self.times, self.mbps * factor)

    def segment(self, start: float, seconds: float) -> 'Trace':
        """Return the part from ``start`` lasting ``seconds``, re-timed to start at 0."""
        t = self.times - self.times[0]
        keep = (t >= start) & (t < start + seconds)
        if not keep.any():
            raise ValueError(f'{self.name}: no samples in [{start}, {start + seconds})')
        return Trace(f'{self.name}[{start:g}+{seconds:g}s]', t[keep] - start, self.mbps[keep])


def load_pensieve(path: Path) -> Trace:
    """Two whitespace-separated columns: time (s), throughput (Mbit/s)."""
    rows = [line.split() for line in Path(path).read_text().splitlines() if line.strip()]
    data = np.array([[float(a), float(b)] for a, b in rows])
    return Trace(Path(path).name, data[:, 0] - data[0, 0], data[:, 1])


def load_5gophers(path: Path, select: Optional[str] = None) -> Trace:
    """5Gophers CSV at 1 s steps.

    01-Throughput/data.csv holds many runs: ``select`` is the run's position in the file
    (0-based, default 0). The driving traces hold one column per carrier: ``select`` names it
    (default: the first). The walking trace has one ``throughput_mbps`` column.
    """
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    cols = list(rows[0])
    if 'carrier' in cols:
        run_key = ('protocol', 'carrier', 'num_tcp_conn', 'server_location', 'run_num')
        runs: dict[tuple, list[float]] = {}
        for r in rows:
            runs.setdefault(tuple(r[k] for k in run_key), []).append(float(r['throughput_mbps']))
        key = list(runs)[int(select or 0)]
        return Trace(f'{Path(path).parent.parent.name}:{"/".join(key)}',
                     np.arange(len(runs[key]), dtype=float), np.array(runs[key]))
    rate_cols = [c for c in cols if c.endswith('throughput_mbps')]
    col = next((c for c in rate_cols if select and c.lower().startswith(select.lower())),
               rate_cols[0])
    values = np.array([float(r[col]) if r[col] else 0.0 for r in rows])
    return Trace(f'{Path(path).stem}:{col}', np.arange(len(values), dtype=float), values)


def load_trace(spec: str) -> Trace:
    """``PATH`` or ``PATH#SELECT`` (5Gophers run index or carrier); the format by extension."""
    path, _, select = spec.partition('#')
    if path.endswith('.csv'):
        return load_5gophers(Path(path), select or None)
    return load_pensieve(Path(path))
