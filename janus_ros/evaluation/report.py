# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Tables and plots of simulation and live results (matplotlib, written as PNG)."""
from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)
import numpy as np  # noqa: E402

from janus_ros.evaluation.simulator import FrameRecord, Summary  # noqa: E402
from janus_ros.evaluation.traces import Trace  # noqa: E402

MODE_Y = {'robot': 0, 'split': 1, 'cloud': 2}


def markdown_table(rows: Sequence[Summary]) -> str:
    """Format the metrics of several policies as a markdown table."""
    head = ('| policy | frames | dropped | SLA violations | throughput (fps) | '
            'mean latency (ms) | latency deviation | kept tokens | accuracy | plan switches |\n'
            '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n')
    body = ''.join(
        f'| {s.policy} | {s.frames} | {s.dropped} | {100 * s.violation_ratio:.1f} % | '
        f'{s.throughput_fps:.2f} | {s.mean_latency_ms:.1f} | {s.latency_deviation:.3f} | '
        f'{100 * s.kept_ratio:.1f} % | '
        f'{"-" if math.isnan(s.accuracy) else f"{100 * s.accuracy:.2f} %"} | {s.switches} |\n'
        for s in rows)
    return head + body


def plot_timeline(path: Path, trace: Trace, runs: dict[str, list[FrameRecord]], sla_s: float,
                  title: str) -> Path:
    """Bandwidth and estimates, chosen mode/split, and latency over time, per policy."""
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True)
    horizon = max((r[-1].start_s for r in runs.values() if r), default=trace.duration)
    t = np.linspace(0, horizon, 1000)
    axes[0].plot(t, [trace.rate_at(x) for x in t], color='black', lw=1.2, label='trace')
    for name, recs in runs.items():
        starts = [r.start_s for r in recs]
        axes[0].plot(starts, [r.estimate_mbps for r in recs], lw=0.9, label=f'{name} estimate')
        y = [MODE_Y[r.option.mode] + (r.option.split / (len(r.option.schedule) + 1) * 0.8
                                      if r.option.mode == 'split' else 0) for r in recs]
        axes[1].step(starts, y, where='post', lw=1, label=name)
        axes[2].plot(starts, [1e3 * r.latency_s for r in recs], '.', ms=2, label=name)
    axes[0].set_ylabel('Mbit/s')
    axes[0].legend(fontsize=7, loc='upper right')
    axes[1].set_yticks([0, 1, 2], ['robot', 'split (height = s)', 'cloud'])
    axes[1].legend(fontsize=7, loc='upper right')
    axes[2].axhline(1e3 * sla_s, color='red', ls='--', lw=1, label='SLA')
    axes[2].set_ylabel('latency (ms)')
    axes[2].set_yscale('log')
    axes[2].set_xlabel('time (s)')
    axes[2].legend(fontsize=7, loc='upper right')
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_bars(path: Path, rows: Sequence[Summary], title: str) -> Path:
    """SLA violation ratio and throughput per policy."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    names = [s.policy for s in rows]
    y = np.arange(len(names))
    a.barh(y, [100 * s.violation_ratio for s in rows], color='tab:red')
    a.set_yticks(y, names)
    a.set_xlabel('SLA violations (%)')
    b.barh(y, [s.throughput_fps for s in rows], color='tab:blue')
    b.set_yticks(y, [''] * len(names))
    b.set_xlabel('throughput (frames/s)')
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
