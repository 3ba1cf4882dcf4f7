# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""The demo pipeline end to end on a real shaped link: a short janus-demo run.

Robot and cloud in two network namespaces, the uplink stepped 20 -> 0.05 -> 20 Mbit/s by
tc tbf, the robot in a CPU-limited cgroup. After the step down the plan must move the work to
the robot within 2 s and violations stop within 3 s
(bar the robot's own rare spikes); after the step up work returns to the
cloud; every frame is answered or counted. Needs root (network namespaces, tc, cgroups).
"""
import json
import subprocess
import sys

import pytest

from janus_ros.tools.netlab import available

DOWN, UP, END = 20.0, 35.0, 55.0
REASON = available()


@pytest.mark.live
@pytest.mark.skipif(REASON is not None, reason=f'live network lab unavailable: {REASON}')
def test_short_live_demo(tmp_path):
    out = tmp_path / 'demo'
    proc = subprocess.run(
        [sys.executable, '-m', 'janus_ros.tools.demo', '--scenario',
         f'0:20,{DOWN:g}:0.05,{UP:g}:20', '--duration', f'{END:g}',
         '--out', str(out)], capture_output=True, text=True, timeout=400)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((out / 'results.json').read_text())
    rows, sla = data['rows'], data['sla_s']
    assert (out / 'report.png').stat().st_size > 10_000
    assert list(out.glob('debug_*.png'))
    # every frame answered or counted (a frame or two may be in flight at shutdown)
    dropped = int(data['edge']['dropped'])
    assert data['frames_sent'] - 2 <= len(rows) + dropped <= data['frames_sent']
    # before the step: the cloud does the work
    assert any(r['source'] == 'cloud' for r in rows if r['t'] < DOWN)
    # step down: robot within 2 s, violations stop within 3 s
    robot_at = min(r['t'] for r in rows if r['t'] >= DOWN and r['source'] == 'robot')
    assert robot_at - DOWN <= 2.0, robot_at
    late = [r for r in rows if DOWN + 3 <= r['t'] < UP]
    assert late and all(r['source'] == 'robot' for r in late)
    # violations stop: at most one in 50 frames, the robot's own CPU-throttling spikes (a
    # 0.1-CPU robot misses 150 ms now and then whatever the link does; zero flaked in CI)
    assert sum(r['latency_s'] > sla for r in late) <= len(late) // 50, \
        [r['latency_s'] for r in late]
    # step up: the work moves back to the cloud
    assert any(r['source'] == 'cloud' for r in rows if r['t'] >= UP)
    assert 'SLA violations' in proc.stdout and 'report:' in proc.stdout
