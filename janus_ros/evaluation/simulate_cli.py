# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""janus-simulate: compare the policies on bandwidth traces; a markdown report and PNG plots.

Policies: Robot-only, Cloud-only, Mixed, the paper's Algorithm 1, the full janus_ros planner.

    janus-simulate --paper --traces DIR_OR_FILE ... --scale 1 --scale 15 --out out/sim
"""
from __future__ import annotations

import argparse
import glob
import math
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from janus_ros.evaluation.report import markdown_table, plot_bars, plot_timeline
from janus_ros.evaluation.simulator import Summary, simulate, standard_policies, summarize
from janus_ros.evaluation.traces import Trace, load_trace
from janus_ros.planning.paper_profiles import paper_profile
from janus_ros.planning.profile import DeviceProfile

BASELINES = ('Robot-only', 'Cloud-only (lossless)', 'Mixed')
OURS = ('Janus (Algorithm 1)', 'janus_ros (full)')
PAPER_GAINS = {'Robot-only': ('1.23-3.04x', '89.4-98.7 %'),
               'Cloud-only (lossless)': ('1.20-5.15x', '49.8-98.3 %'),
               'Mixed': ('1.00-3.04x', '49.8-98.3 %')}


def expand(specs: list[str], limit: int) -> list[str]:
    """Trace files from files, globs and directories (at most ``limit`` per directory)."""
    out = []
    for spec in specs:
        path = spec.partition('#')[0]
        if Path(path).is_dir():
            out += sorted(str(p) for p in Path(path).iterdir() if p.is_file())[:limit]
        elif any(c in path for c in '*?['):
            out += sorted(glob.glob(path))[:limit]
        else:
            out.append(spec)
    return out


def gains(ours: Summary, base: Summary) -> tuple[float, float]:
    """Throughput ratio and relative reduction of violations (NaN when the base has none)."""
    ratio = ours.throughput_fps / base.throughput_fps if base.throughput_fps else math.inf
    red = (base.violation_ratio - ours.violation_ratio) / base.violation_ratio \
        if base.violation_ratio > 0 else math.nan
    return ratio, red


def fmt_range(values: list[float], pct: bool) -> str:
    """Format the min-max of a metric over traces, as a ratio or a percentage."""
    vals = [v for v in values if not math.isnan(v)]
    if not vals:
        return 'n/a (baseline had no violations)'
    lo, hi = min(vals), max(vals)
    return f'{100 * lo:.1f}-{100 * hi:.1f} %' if pct else f'{lo:.2f}-{hi:.2f}x'


def run_setting(label: str, robot: DeviceProfile, cloud: DeviceProfile, traces: list[Trace],
                args: argparse.Namespace, out: Path) -> str:
    """Simulate every policy on every trace; return the markdown section."""
    per_trace: list[dict[str, Summary]] = []
    totals: dict[str, list[Summary]] = {}
    bar = tqdm(traces, desc=label, file=sys.stderr)
    for i, trace in enumerate(bar):
        duration = args.duration or trace.duration
        prior = trace.mean_mbps * 1e6  # the paper seeds its estimate with an offline mean
        rows, runs = {}, {}
        for policy in standard_policies(robot, cloud, args.sla, prior):
            recs, dropped = simulate(policy, trace, duration, args.rtt,
                                     1.0 / args.fps if args.fps else 0)
            rows[policy.name] = summarize(policy.name, recs, dropped, args.sla, duration,
                                          policy.switches)
            runs[policy.name] = recs
        per_trace.append(rows)
        for k, v in rows.items():
            totals.setdefault(k, []).append(v)
        if i < args.timelines:
            shown = {k: runs[k] for k in ('Mixed',) + OURS}
            plot_timeline(out / f'{label}_timeline_{i}.png', trace, shown, args.sla,
                          f'{label}: {trace.name}')
    mean_rows = [Summary(k, int(np.sum([s.frames for s in v])),
                         int(np.sum([s.dropped for s in v])),
                         *(float(np.nanmean([getattr(s, f) for s in v])) if not all(
                             math.isnan(getattr(s, f)) for s in v) else math.nan
                           for f in ('violation_ratio', 'throughput_fps', 'mean_latency_ms',
                                     'latency_deviation', 'kept_ratio', 'accuracy')),
                         int(np.sum([s.switches for s in v]))) for k, v in totals.items()]
    plot_bars(out / f'{label}_bars.png', mean_rows, f'{label}: mean over {len(traces)} traces')
    text = [f'### {label}\n', f'{len(traces)} traces: ' +
            ', '.join(t.name for t in traces[:6]) + (' ...' if len(traces) > 6 else ''),
            f'mean bandwidth {np.mean([t.mean_mbps for t in traces]):.2f} Mbit/s, '
            f'SLA {args.sla * 1e3:.0f} ms, RTT {args.rtt * 1e3:.0f} ms, '
            f'{"back-to-back frames" if not args.fps else f"{args.fps:g} fps"}.\n',
            'Mean over traces:\n', markdown_table(mean_rows),
            '\nGains per trace (range over traces), next to the paper\'s:\n',
            '| ours | vs | throughput | fewer violations | paper: throughput | '
            'paper: fewer violations |\n|---|---|---|---|---|---|']
    for ours in OURS:
        for base in BASELINES:
            g = [gains(rows[ours], rows[base]) for rows in per_trace]
            text.append(f'| {ours} | {base} | {fmt_range([x[0] for x in g], False)} | '
                        f'{fmt_range([x[1] for x in g], True)} | {PAPER_GAINS[base][0]} | '
                        f'{PAPER_GAINS[base][1]} |')
    g = [gains(rows['janus_ros (full)'], rows['Janus (Algorithm 1)']) for rows in per_trace]
    text.append(f'| janus_ros (full) | Janus (Algorithm 1) | {fmt_range([x[0] for x in g], False)}'
                f' | {fmt_range([x[1] for x in g], True)} | - | - |')
    text.append(f'\n![timeline]({label}_timeline_0.png)\n![bars]({label}_bars.png)\n')
    return '\n'.join(text)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run each (profile setting x scale) and write report.md."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--paper', action='store_true',
                    help="the paper's setting: ViT-L@384 on Jetson Orin Nano + V100 (Table I)")
    ap.add_argument('--robot-profile', type=Path)
    ap.add_argument('--cloud-profile', type=Path)
    ap.add_argument('--codec-profile', type=Path,
                    help='measured profile lending codec costs to the paper profiles')
    ap.add_argument('--traces', nargs='+', required=True,
                    help='trace files, globs or directories (PATH#SELECT for 5Gophers)')
    ap.add_argument('--max-traces', type=int, default=10, help='per directory or glob')
    ap.add_argument('--scale', type=float, action='append',
                    help='multiply trace rates (repeatable; default 1)')
    ap.add_argument('--sla', type=float, default=0.3)
    ap.add_argument('--rtt', type=float, default=0.02)
    ap.add_argument('--fps', type=float, default=0.0, help='frame rate (0: back to back)')
    ap.add_argument('--duration', type=float, default=0.0, help='seconds per trace (0: whole)')
    ap.add_argument('--timelines', type=int, default=1, help='timeline plots per setting')
    ap.add_argument('--out', type=Path, default=Path('out/sim'))
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.paper:
        codecs = DeviceProfile.load(args.codec_profile).codecs if args.codec_profile else None
        robot, cloud = paper_profile('jetson-orin-nano', codecs), paper_profile('v100', codecs)
    elif args.robot_profile and args.cloud_profile:
        robot = DeviceProfile.load(args.robot_profile)
        cloud = DeviceProfile.load(args.cloud_profile)
    else:
        ap.error('give --paper or both --robot-profile and --cloud-profile')
    base = [load_trace(p) for p in expand(args.traces, args.max_traces)]
    sections = [f'# Simulation: {robot.model} (robot {robot.device} [{robot.source}], cloud '
                f'{cloud.device} [{cloud.source}])\n',
                f'Command: `janus-simulate {" ".join(argv if argv is not None else sys.argv[1:])}`'
                '\n']
    for scale in args.scale or [1.0]:
        traces = [t if scale == 1 else t.scaled(scale) for t in base]
        label = f'scale_x{scale:g}'
        sections.append(run_setting(label, robot, cloud, traces, args, args.out))
    report = args.out / 'report.md'
    report.write_text('\n\n'.join(sections) + '\n')
    print('\n\n'.join(sections))
    print(f'\nreport: {report}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
