# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Planner: hand-computed cases for both modes, hysteresis, and monotonicity properties."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from janus_ros.core import schedule as S
from janus_ros.planning.paper_profiles import paper_profile
from janus_ros.planning.planner import CLOUD, LinkState, Planner, PlannerConfig, ROBOT, SPLIT
from janus_ros.planning.profile import CodecCost, DeviceProfile, LayerModel


def flat_profile(block_s: float, depth: int = 4, tokens0: int = 17, dim: int = 256,
                 **kw) -> DeviceProfile:
    """Every block costs block_s whatever its tokens: latency is easy to compute by hand."""
    return DeviceProfile(device='hand', model='m', tokens0=tokens0, depth=depth, embed_dim=dim,
                         image_hw=(64, 64),
                         layers=[LayerModel('linear', a=0.0, b=block_s)] * depth, **kw)


def hand_planner(mode='full', sla=0.05, **cfg) -> Planner:
    robot = flat_profile(0.010, codecs={'png': CodecCost(bytes_ratio=0.5)})
    cloud = flat_profile(0.001)
    return Planner(robot, cloud, PlannerConfig(sla_s=sla, mode=mode, k=2, dwell_s=0,
                                               margin=0, **cfg))


def test_paper_mode_by_hand():
    p = hand_planner('paper', sla=0.05)
    # alpha 0: robot-only 4 x 10 ms = 40 ms <= 50 ms; any remote option sends >= 6 KB at 1 Mbit/s
    d = p.decide(LinkState(1e6), now=0)
    assert (d.option.mode, d.option.alpha) == (ROBOT, 0.0)
    assert d.latency_s == pytest.approx(0.040)
    # 100 Mbit/s: cloud-only, frame 64*64*3*0.5 = 6144 B -> 0.49 ms + 4 x 1 ms
    d = p.decide(LinkState(100e6), now=0)
    assert d.option.mode == CLOUD and d.option.alpha == 0.0
    assert d.latency_s == pytest.approx(0.004 + 6144 * 8 / 100e6)


def test_paper_mode_infeasible_returns_alpha_max_fastest():
    p = hand_planner('paper', sla=0.001)
    d = p.decide(LinkState(1e6), now=0)
    assert not d.feasible and d.option.alpha == p.alphas[-1]
    assert d.option.mode == ROBOT  # 40 ms beats every transfer at 1 Mbit/s


def test_full_mode_prefers_accuracy_then_speed():
    p = hand_planner('full', sla=0.05)
    d = p.decide(LinkState(100e6), now=0)
    assert d.option.alpha == 0.0 and d.feasible
    # at alpha 0 the fastest is cloud-only: 4 ms compute + transfer, jpeg90 smallest of codecs
    assert d.option.mode == CLOUD


def test_bandwidth_zero_and_cloud_down_mean_robot_only():
    p = hand_planner('full', sla=0.05)
    assert p.decide(LinkState(0.0), now=0).option.mode == ROBOT
    d = p.decide(LinkState(100e6, cloud_available=False), now=1)
    assert d.option.mode == ROBOT and 'cloud unavailable' in d.reason
    assert hand_planner('paper').decide(LinkState(0.0), now=0).option.mode == ROBOT


def test_infeasible_full_mode_takes_the_fastest():
    p = hand_planner('full', sla=0.0001)
    d = p.decide(LinkState(1e9), now=0)
    lat = p.predict(LinkState(1e9))
    assert not d.feasible and d.latency_s == pytest.approx(lat.min())
    assert 'nothing meets SLA' in d.reason


def test_learned_robot_slowdown_and_overhead_shift_predictions():
    p = hand_planner('full', sla=0.05)
    base = p.predict(LinkState(1e6))
    slow = p.predict(LinkState(1e6, robot_scale=2.0, overhead_s=0.003))
    robot_only = next(i for i, o in enumerate(p.options) if o.mode == ROBOT)
    split = next(i for i, o in enumerate(p.options) if o.mode == SPLIT)
    assert slow[robot_only] == pytest.approx(2 * base[robot_only] + 0.003)  # 80 ms + 3 ms
    assert slow[split] == pytest.approx(base[split])  # remote plans keep their own calibration
    remote_slow = p.predict(LinkState(1e6, remote_scale=3.0, remote_overhead_s=0.002))
    assert remote_slow[split] == pytest.approx(base[split] + 2 * p.robot_s[split] + 0.002)
    assert remote_slow[robot_only] == pytest.approx(base[robot_only])
    # robot-only (40 ms) fits 50 ms; twice as slow it does not, so the plan leaves the robot
    assert p.decide(LinkState(1e6), now=0).option.mode == ROBOT
    assert p.decide(LinkState(1e6, robot_scale=2.0), now=1).option.mode != ROBOT


def test_only_allowed_modes_are_chosen():
    p = hand_planner('full', sla=0.05, modes=(SPLIT,))
    assert p.decide(LinkState(100e6), now=0).option.mode == SPLIT


def test_hysteresis_dwell_and_immediate_escape():
    robot = flat_profile(0.010)
    cloud = flat_profile(0.001)
    p = Planner(robot, cloud, PlannerConfig(sla_s=0.05, dwell_s=5.0, margin=0.1, k=2))
    first = p.decide(LinkState(0.0), now=0.0)           # link down: robot-only
    assert first.option.mode == ROBOT and first.changed
    d = p.decide(LinkState(1e9), now=1.0)               # link back, but robot is still fine
    assert not d.changed and 'kept' in d.reason
    d = p.decide(LinkState(1e9), now=6.0)               # dwell over: move to the faster cloud
    assert d.changed and d.option.mode != ROBOT
    d = p.decide(LinkState(1e9, cloud_available=False), now=6.1)  # current now impossible
    assert d.changed and d.option.mode == ROBOT


def test_measured_accuracy_table_is_used():
    table = {'fp32': {0.0: 0.9, 0.5: 0.5}, 'int8': {0.0: 0.95, 0.5: 0.5}}
    robot = flat_profile(0.010, accuracy=table)
    cfg = PlannerConfig(sla_s=1.0, dwell_s=0, k=2, modes=(SPLIT,))
    p = Planner(robot, flat_profile(0.001), cfg)
    d = p.decide(LinkState(1e9), now=0)
    assert d.accuracy_measured and d.option.codec == 'int8' and d.accuracy == pytest.approx(0.95)


PAPER = (paper_profile('jetson-orin-nano'), paper_profile('v100'))


@settings(max_examples=60, deadline=None)
@given(bw=st.floats(0.05e6, 200e6), factor=st.floats(1.0, 10.0), sla=st.floats(0.05, 1.5),
       mode=st.sampled_from(['full', 'paper']))
def test_more_bandwidth_never_lowers_accuracy(bw, factor, sla, mode):
    cfg = PlannerConfig(sla_s=sla, mode=mode, dwell_s=0, margin=0)
    lo = Planner(*PAPER, cfg).decide(LinkState(bw, rtt_s=0.02), now=0)
    hi = Planner(*PAPER, cfg).decide(LinkState(bw * factor, rtt_s=0.02), now=0)
    assert hi.accuracy >= lo.accuracy - 1e-12


@settings(max_examples=60, deadline=None)
@given(bw=st.floats(0.05e6, 200e6), sla=st.floats(0.05, 1.0), extra=st.floats(0.0, 1.0),
       mode=st.sampled_from(['full', 'paper']))
def test_looser_sla_never_lowers_accuracy(bw, sla, extra, mode):
    tight = Planner(*PAPER, PlannerConfig(sla_s=sla, mode=mode, dwell_s=0, margin=0))
    loose = Planner(*PAPER, PlannerConfig(sla_s=sla + extra, mode=mode, dwell_s=0, margin=0))
    link = LinkState(bw, rtt_s=0.02)
    assert loose.decide(link, now=0).accuracy >= tight.decide(link, now=0).accuracy - 1e-12


def test_paper_profiles_reproduce_table_one():
    jetson, v100 = PAPER
    full = S.token_counts((0,) * 24, 577)
    merged = S.token_counts(S.janus_schedule(0.28, 24, 577), 577)
    assert 1e3 * jetson.blocks_time(full, 1, 24)[0] == pytest.approx(653.3)
    assert 1e3 * jetson.blocks_time(merged, 1, 24)[0] == pytest.approx(403.2)
    assert 1e3 * v100.blocks_time(full, 1, 24)[0] == pytest.approx(32.3)
    assert 1e3 * v100.blocks_time(merged, 1, 24)[0] == pytest.approx(22.5)


def test_option_count_matches_the_benchmark_setting():
    assert len(Planner(*PAPER, PlannerConfig()).alphas) == 30       # 0 .. our alpha_max 0.29
    p = Planner(*PAPER, PlannerConfig(max_alpha=0.28))               # the paper's 0 .. 0.28
    assert len(p.alphas) == 29
    assert len(p.options) == len(p.alphas) * (1 + 3 + 13 * 3)
    assert all(math.isfinite(x) for x in p.fixed_s)
