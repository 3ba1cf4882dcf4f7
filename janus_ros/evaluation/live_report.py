# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Summary table and PNG report of a live run, from the recorder's results.json."""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the headless backend)
import numpy as np  # noqa: E402

READY_FILE = 'ready'  # the recorder's sign, in the output folder, that results reach it


def plan_kind(plan: str) -> str:
    """'robot-only alpha=0.10' -> 'robot-only'; 'split s=3 ...' -> 'split s=3'."""
    parts = plan.split()
    return ' '.join(parts[:2]) if parts and parts[0] in ('split', 'cloud-only') else parts[0]


def summarize_live(data: dict[str, Any]) -> dict[str, Any]:
    """Frames, results, drops, accuracy, violation ratio, throughput, time per plan."""
    rows, sla = data['rows'], data['sla_s']
    lat = np.array([r['latency_s'] for r in rows])
    scored = [r['correct'] for r in rows if r['correct'] is not None]
    span = (rows[-1]['t'] - rows[0]['t']) if len(rows) > 1 else math.nan
    share = Counter()
    for a, b in zip(rows, rows[1:]):
        share[plan_kind(a['plan'])] += b['t'] - a['t']
    total = sum(share.values()) or 1.0
    return dict(
        frames_sent=data['frames_sent'], results=len(rows),
        dropped=int(data['edge'].get('dropped', 0) or 0),
        fallbacks=sum(bool(r['fallback']) for r in rows),
        accuracy=float(np.mean(scored)) if scored else math.nan,
        violation_ratio=float(np.mean(lat > sla)) if len(lat) else math.nan,
        median_latency_ms=float(np.median(lat) * 1e3) if len(lat) else math.nan,
        p95_latency_ms=float(np.percentile(lat, 95) * 1e3) if len(lat) else math.nan,
        throughput_fps=len(rows) / span if span and span > 0 else math.nan,
        plan_changes=len(data['plans']) - 1 if data['plans'] else 0,
        time_share={k: v / total for k, v in share.most_common()})


def summary_markdown(s: dict[str, Any], title: str) -> str:
    """Format the summary as a markdown table plus the time share of each plan."""
    lines = [f'### {title}', '', '| frames sent | results | dropped | fallbacks | accuracy | '
             'SLA violations | median / p95 latency | throughput | plan changes |',
             '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
             f"| {s['frames_sent']} | {s['results']} | {s['dropped']} | {s['fallbacks']} | "
             f"{100 * s['accuracy']:.1f} % | {100 * s['violation_ratio']:.1f} % | "
             f"{s['median_latency_ms']:.1f} / {s['p95_latency_ms']:.1f} ms | "
             f"{s['throughput_fps']:.2f} fps | {s['plan_changes']} |", '',
             'Time per plan: ' + ', '.join(f'{k} {100 * v:.0f} %'
                                           for k, v in s['time_share'].items())]
    return '\n'.join(lines)


def plot_live(data: dict[str, Any], path: Path, title: str) -> Path:
    """Shaped rate and estimate, plan, latency (with SLA) over time."""
    rows = data['rows']
    t = np.array([r['t'] for r in rows])
    fig, axes = plt.subplots(3, 1, figsize=(11, 8), sharex=True)
    axes[0].step(t, [r['shaped_mbps'] for r in rows], where='post', color='black',
                 label='shaped uplink (tc tbf)')
    axes[0].plot(t, [r['estimate_mbps'] for r in rows], color='tab:green', label='estimate')
    axes[0].set_yscale('log')
    axes[0].set_ylabel('Mbit/s')
    axes[0].legend(fontsize=8)
    kinds = sorted({plan_kind(r['plan']) for r in rows})
    axes[1].plot(t, [kinds.index(plan_kind(r['plan'])) for r in rows], '.', ms=3)
    axes[1].set_yticks(range(len(kinds)), kinds)
    fb = [i for i, r in enumerate(rows) if r['fallback']]
    if fb:
        axes[1].plot(t[fb], [kinds.index(plan_kind(rows[i]['plan'])) for i in fb], 'rx',
                     label='cloud timed out: robot finished')
        axes[1].legend(fontsize=8)
    lat = np.array([r['latency_s'] for r in rows]) * 1e3
    src = np.array([r['source'] for r in rows])
    for name, colour in (('robot', 'tab:orange'), ('cloud', 'tab:blue')):
        m = src == name
        axes[2].plot(t[m], lat[m], '.', ms=3, color=colour, label=f'answered by {name}')
    axes[2].axhline(data['sla_s'] * 1e3, color='red', ls='--', label='SLA')
    axes[2].set_yscale('log')
    axes[2].set_ylabel('end-to-end latency (ms)')
    axes[2].set_xlabel('time (s)')
    axes[2].legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def load(path: Path) -> dict[str, Any]:
    """Read a recorder results.json."""
    return json.loads(Path(path).read_text())
