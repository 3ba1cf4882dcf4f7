# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Experiment: the live system on a shaped link following a real trace, next to the simulator.

Runs janus-demo (robot and cloud in network namespaces, uplink shaped every second by tc tbf
to the trace, robot in a CPU-limited cgroup) three times on the same trace segment: the full
planner, fixed cloud-only (PNG, no merging) and fixed robot-only (no merging). Then simulates
the same segment at the same frame rate with the profiles the live run measured, and writes
bench/live_trace.md and bench/live_trace.png. Needs root. About 4 minutes per run.
    python bench/live_trace.py --trace ../shared/traces/cooked_3gp/norway_bus_1 \
        --start 20 --seconds 180 --scale 0.05
"""
from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from janus_ros.core import schedule as S  # noqa: E402
from janus_ros.evaluation.live_report import load, summarize_live  # noqa: E402
from janus_ros.evaluation.simulator import Policy, simulate, summarize  # noqa: E402
from janus_ros.evaluation.traces import load_trace  # noqa: E402
from janus_ros.planning.bandwidth import ThroughputEstimator  # noqa: E402
from janus_ros.planning.planner import CLOUD, Option, Planner, PlannerConfig, ROBOT  # noqa: E402
from janus_ros.planning.profile import DeviceProfile  # noqa: E402

RUNS = {'janus_ros (full)': [],
        'Cloud-only (PNG)': ['modes:=[cloud]', 'image_codecs:=[png]', 'max_alpha:=0.0'],
        'Robot-only': ['modes:=[robot]', 'max_alpha:=0.0']}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--trace', required=True)
    ap.add_argument('--start', type=float, default=0.0)
    ap.add_argument('--seconds', type=float, default=180.0)
    ap.add_argument('--scale', type=float, default=1.0)
    ap.add_argument('--sla', type=float, default=0.15)
    ap.add_argument('--rate-hz', type=float, default=5.0)
    ap.add_argument('--out', type=Path, default=Path('out/live_trace'))
    ap.add_argument('--reuse', nargs='*', default=[], metavar='POLICY',
                    help='reuse the results of these runs from --out instead of running them '
                    '(e.g. the fixed-plan runs after a planner change)')
    args = ap.parse_args()
    live = {}
    for name, extra in RUNS.items():
        out = args.out / name.split()[0].lower().replace('-', '_')
        if name in args.reuse:
            live[name] = (load(out / 'results.json'), out)
            continue
        cmd = [sys.executable, '-m', 'janus_ros.tools.demo', '--trace', args.trace,
               '--trace-start', str(args.start), '--trace-scale', str(args.scale),
               '--duration', str(args.seconds), '--sla', str(args.sla),
               '--rate-hz', str(args.rate_hz), '--out', str(out)]
        for kv in extra:
            cmd += ['--monitor-param', kv]
        print(f'== live run: {name}', flush=True)
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        live[name] = (load(out / 'results.json'), out)
    full_out = live['janus_ros (full)'][1]
    robot = DeviceProfile.load(next((full_out / 'profile_robot').glob('*.yaml')))
    cloud = DeviceProfile.load(next((full_out / 'profile_cloud').glob('*.yaml')))
    shipped = Path('models/fashion_vit/profile_robot.yaml')
    if shipped.exists():
        robot.accuracy = DeviceProfile.load(shipped).accuracy
    trace = load_trace(args.trace).segment(args.start, args.seconds).scaled(args.scale)
    planner = Planner(robot, cloud, PlannerConfig(sla_s=args.sla))
    zero = S.constant_schedule(0, robot.depth, robot.tokens0)
    est = (lambda: ThroughputEstimator('harmonic', 5, 5.0, 10e6, shift_factor=2.0))
    policies = {'janus_ros (full)': Policy('full', planner, est(), probes=True),
                'Cloud-only (PNG)': Policy('cloud', planner, est(),
                                           fixed=Option(CLOUD, 0, 0.0, 'png', zero)),
                'Robot-only': Policy('robot', planner, est(),
                                     fixed=Option(ROBOT, robot.depth + 1, 0.0, 'fp32', zero))}
    lines = [f'Trace {trace.name} (rates x{args.scale:g}, mean {trace.mean_mbps:.3f} Mbit/s), '
             f'{args.seconds:g} s, {args.rate_hz:g} fps, SLA {args.sla * 1e3:.0f} ms.', '',
             '| policy | live: violations | live: median latency | live: fps | live: accuracy |'
             ' sim: violations | sim: median latency | sim: fps |',
             '|---|---:|---:|---:|---:|---:|---:|---:|']
    fig, ax = plt.subplots(2, 1, figsize=(11, 7), sharex=True)
    t = np.arange(0, args.seconds, 0.5)
    ax[0].step(t, [trace.rate_at(x) for x in t], where='post', color='black', label='trace')
    for name, (data, _) in live.items():
        s = summarize_live(data)
        recs, dropped = simulate(policies[name], trace, args.seconds, 0.002, 1 / args.rate_hz)
        sim = summarize(name, recs, dropped, args.sla, args.seconds, policies[name].switches)
        lines.append(f"| {name} | {100 * s['violation_ratio']:.1f} % | "
                     f"{s['median_latency_ms']:.1f} ms | {s['throughput_fps']:.2f} | "
                     f"{100 * s['accuracy']:.1f} % | {100 * sim.violation_ratio:.1f} % | "
                     f"{np.median([r.latency_s for r in recs]) * 1e3:.1f} ms | "
                     f"{sim.throughput_fps:.2f} |")
        rows = data['rows']
        ax[1].plot([r['t'] for r in rows], [r['latency_s'] * 1e3 for r in rows], '.', ms=2,
                   label=f'{name} (live)')
        if name == 'janus_ros (full)':
            ax[0].plot([r['t'] for r in rows], [r['estimate_mbps'] for r in rows], lw=0.8,
                       label='live estimate (full planner)')
    ax[0].set_yscale('log')
    ax[0].set_ylabel('Mbit/s')
    ax[0].legend(fontsize=8)
    ax[1].axhline(args.sla * 1e3, color='red', ls='--', label='SLA')
    ax[1].set_yscale('log')
    ax[1].set_ylabel('latency (ms)')
    ax[1].set_xlabel('time (s)')
    ax[1].legend(fontsize=8)
    fig.tight_layout()
    png = Path(__file__).with_name('live_trace.png')
    fig.savefig(png, dpi=110)
    md = Path(__file__).with_name('live_trace.md')
    md.write_text('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    print(f'\n{md}\n{png}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
