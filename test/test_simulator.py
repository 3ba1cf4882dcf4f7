# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Traces and the trace-driven simulator."""
import math
from pathlib import Path

import numpy as np
import pytest

from janus_ros.evaluation.simulator import simulate, standard_policies, summarize
from janus_ros.evaluation.traces import Trace, load_pensieve, load_trace
from janus_ros.planning.paper_profiles import paper_profile

SHARED = Path(__file__).resolve().parents[2] / 'shared' / 'traces'


def step_trace(high=50.0, low=1.0, seconds=20) -> Trace:
    t = np.arange(3 * seconds, dtype=float)
    return Trace('step', t, np.where((t >= seconds) & (t < 2 * seconds), low, high))


def test_transfer_integrates_over_rate_changes():
    tr = Trace('t', np.array([0.0, 1.0, 2.0]), np.array([8.0, 0.0, 16.0]))
    assert tr.transfer_end(0.5, 4e6) == pytest.approx(1.0)      # 8 Mbit/s for 0.5 s
    assert tr.transfer_end(0.5, 8e6) == pytest.approx(2.25)     # waits through the outage
    assert tr.transfer_end(2.5, 16e6) == pytest.approx(4.0)  # loops: 0.5 s of 16, then 1 s of 8
    assert tr.duration == 3.0 and tr.rate_at(4.5) == 0.0
    assert tr.mean_mbps == pytest.approx(8.0)
    dead = Trace('dead', np.array([0.0]), np.array([0.0]))
    assert math.isinf(dead.transfer_end(0, 1.0))


def test_scale_and_segment():
    tr = step_trace()
    assert tr.scaled(2).rate_at(0) == 100.0
    seg = tr.segment(15, 10)
    assert seg.duration == 10 and seg.rate_at(0) == 50.0 and seg.rate_at(6) == 1.0


@pytest.mark.skipif(not SHARED.exists(), reason='../shared/traces not present')
def test_reads_the_shared_trace_formats():
    bus = load_pensieve(SHARED / 'cooked_3gp' / 'norway_bus_1')
    assert bus.times[0] == 0 and 0.5 < bus.mean_mbps < 10
    run = load_trace(str(SHARED / '5Gophers-v1.0/All-Carriers/01-Throughput/data.csv') + '#3')
    assert len(run.times) >= 50 and run.mean_mbps > 1
    drive = load_trace(str(SHARED / '5Gophers-v1.0/All-Carriers/03-User-Mobility/'
                           'car-driving-trace-1.csv') + '#verizon')
    assert 'Verizon' in drive.name


def test_paper_setting_on_a_bandwidth_step():
    """40 -> 12 -> 40 Mbit/s: at 12 the lossless frame misses the SLA and a split meets it."""
    robot, cloud = paper_profile('jetson-orin-nano'), paper_profile('v100')
    trace = step_trace(high=40.0, low=12.0)
    rows = {}
    for policy in standard_policies(robot, cloud, 0.3, prior_bps=40e6):
        recs, dropped = simulate(policy, trace, 60.0, rtt_s=0.02)
        rows[policy.name] = summarize(policy.name, recs, dropped, 0.3, 60.0, policy.switches)
    full = rows['janus_ros (full)']
    assert rows['Robot-only'].violation_ratio == 1.0  # ViT-L, r = 23: ~390 ms on the Jetson
    for base in ('Cloud-only (lossless)', 'Mixed', 'Janus (Algorithm 1)'):
        assert full.violation_ratio < 0.25 * rows[base].violation_ratio, base
    assert full.kept_ratio > rows['Cloud-only (lossless)'].kept_ratio + 0.2  # less merging
    assert full.throughput_fps > 0.95 * rows['Cloud-only (lossless)'].throughput_fps
    assert full.switches >= 2                          # to a split and back to the cloud
