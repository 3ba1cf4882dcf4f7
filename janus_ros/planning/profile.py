# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Latency profiles: per-block time as a function of input token count, plus fixed costs.

A block is modelled linearly, T(x) = a*x + b (the paper's profiler), or, where that fits badly
(small token counts on edge devices are not linear), by a table interpolated piecewise-linearly.
Merging is not free: a block that merges pays for matching and merging, and every block after
the first merge pays for the proportional-attention bias. On a CPU at batch 1 these are a few
hundred microseconds per block (dozens of small operators), so a profile carries them as two
more models of the input token count, shared by all blocks; the paper's profiles have none.
Profiles are YAML files named ``<device>__<model>.yaml``.
"""
from __future__ import annotations

import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import yaml

PROFILE_VERSION = 1


@dataclass
class LayerModel:
    """Latency (s) of one block against its input token count."""

    kind: str = 'linear'             # 'linear' or 'table'
    a: float = 0.0
    b: float = 0.0
    r2: float = 1.0
    x: list[float] = field(default_factory=list)   # table: token counts, ascending
    t: list[float] = field(default_factory=list)   # table: seconds

    def __call__(self, tokens: np.ndarray | float) -> np.ndarray:
        """Predicted seconds for input token count(s)."""
        if self.kind == 'table':
            return np.interp(tokens, self.x, self.t)
        return self.a * np.asarray(tokens, dtype=float) + self.b


def fit_layer(tokens: Sequence[float], seconds: Sequence[float], min_r2: float = 0.9
              ) -> LayerModel:
    """Least-squares T(x) = a*x + b; falls back to a table when r^2 < ``min_r2``."""
    x = np.asarray(tokens, float)
    y = np.asarray(seconds, float)
    a, b = np.polyfit(x, y, 1)
    resid = y - (a * x + b)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - float((resid ** 2).sum()) / total if total > 0 else 1.0
    if r2 >= min_r2:
        return LayerModel('linear', a=float(a), b=float(b), r2=r2)
    grid = np.unique(x)
    med = [float(np.median(y[x == g])) for g in grid]
    return LayerModel('table', a=float(a), b=float(b), r2=r2, x=grid.tolist(), t=med)


@dataclass
class CodecCost:
    """Cost of one codec per MB of raw input, and (image codecs) encoded size over raw size."""

    encode_s_per_mb: float = 0.0
    decode_s_per_mb: float = 0.0
    bytes_ratio: float = 1.0


@dataclass
class DeviceProfile:
    """Everything the planner needs to predict one side's compute for one model."""

    device: str
    model: str
    tokens0: int
    depth: int
    embed_dim: int
    layers: list[LayerModel]
    image_hw: tuple[int, int] = (0, 0)   # model input resolution (frames sent cloud-only)
    preprocess_s: float = 0.0        # crop + normalise (robot) or decode->tensor (cloud)
    embed_s: float = 0.0
    head_s: float = 0.0
    codecs: dict[str, CodecCost] = field(default_factory=dict)
    accuracy: dict[str, dict[float, float]] = field(default_factory=dict)  # codec -> alpha -> acc
    source: str = 'measured'
    threads: int = 0
    versions: dict[str, str] = field(default_factory=dict)
    notes: str = ''
    merge: LayerModel = field(default_factory=LayerModel)  # extra s of a block that merges
    sized: LayerModel = field(default_factory=LayerModel)  # extra s once tokens carry sizes

    def block_seconds(self, counts: np.ndarray) -> np.ndarray:
        """Seconds of every block (columns) given token counts x_0..x_N per row.

        Block l merges when x_l < x_{l-1}, and carries the size bias when an earlier block
        merged (x_{l-1} < x_0); both extras are read from the counts, so a schedule is enough.
        """
        counts = np.atleast_2d(np.asarray(counts, float))
        x_in, x_out = counts[:, :-1], counts[:, 1:]
        t = np.column_stack([self.layers[i](x_in[:, i]) for i in range(self.depth)])
        t += np.where(x_out < x_in, self.merge(x_in), 0.0)
        t += np.where(x_in < counts[:, :1], self.sized(x_in), 0.0)
        return t

    def blocks_time(self, counts: np.ndarray, first: int, last: int) -> np.ndarray:
        """Seconds for blocks first..last (1-based) given token counts x_0..x_N per row."""
        return self.block_seconds(counts)[:, first - 1:last].sum(axis=1)

    def codec(self, name: str) -> CodecCost:
        """Cost of a codec; zero cost when the profile did not measure it."""
        return self.codecs.get(name, CodecCost())

    def save(self, path: str | Path) -> Path:
        """Write the profile as YAML."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = asdict(self)
        data['profile_version'] = PROFILE_VERSION
        data['layers'] = [_layer_dict(m) for m in self.layers]
        data['merge'], data['sized'] = _layer_dict(self.merge), _layer_dict(self.sized)
        data['image_hw'] = list(self.image_hw)
        data['accuracy'] = {c: {float(a): float(v) for a, v in t.items()}
                            for c, t in self.accuracy.items()}
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    @classmethod
    def load(cls, path: str | Path) -> 'DeviceProfile':
        """Read a profile YAML (safe loader only)."""
        data: dict[str, Any] = yaml.safe_load(Path(path).read_text())
        if data.pop('profile_version', None) != PROFILE_VERSION:
            raise ValueError(f'{path}: not a janus_ros profile of version {PROFILE_VERSION}')
        data['layers'] = [LayerModel(**m) for m in data['layers']]
        for extra in ('merge', 'sized'):  # absent in profiles measured before they existed
            data[extra] = LayerModel(**(data.get(extra) or {}))
        data['image_hw'] = tuple(data.get('image_hw') or (0, 0))
        data['codecs'] = {k: CodecCost(**v) for k, v in (data.get('codecs') or {}).items()}
        data['accuracy'] = {c: {float(a): float(v) for a, v in t.items()}
                            for c, t in (data.get('accuracy') or {}).items()}
        profile = cls(**data)
        if len(profile.layers) != profile.depth:
            raise ValueError(f'{path}: {len(profile.layers)} layer models for depth '
                             f'{profile.depth}')
        return profile


def _layer_dict(m: LayerModel) -> dict[str, Any]:
    if m.kind == 'linear':
        return dict(kind='linear', a=m.a, b=m.b, r2=m.r2)
    return asdict(m)


def profile_filename(device: str, model: str) -> str:
    """Canonical file name for a profile."""
    safe = ''.join(c if c.isalnum() or c in '-_.' else '-' for c in device)
    return f'{safe}__{model}.yaml'


def this_device() -> str:
    """Name the machine the profiler runs on, briefly."""
    return f'{platform.node() or "host"}-{platform.machine()}'
