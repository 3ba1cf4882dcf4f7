# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Trace-driven simulation of robot/cloud policies, the way the paper evaluates Janus.

Frames run one after another (back to back) or arrive at a fixed rate (a frame waits while the
previous one is in service; its latency counts the wait). Each policy decides per frame from
its own online estimate, never from the trace itself. A frame's latency is robot time + the
transfer time integrated over the trace from the moment of sending + RTT + cloud queueing +
cloud time. Transfers yield throughput samples; policies that probe also sample the link when
it carries no frames (probe traffic is assumed not to delay frames).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from janus_ros.core import schedule as S
from janus_ros.planning.bandwidth import ThroughputEstimator
from janus_ros.planning.planner import CLOUD, LinkState, Option, Planner, PlannerConfig, ROBOT
from janus_ros.evaluation.traces import Trace

PROBE_BYTES = 80_000


@dataclass
class FrameRecord:
    """One simulated frame."""

    start_s: float
    latency_s: float
    option: Option
    bytes: float
    true_mbps: float
    estimate_mbps: float
    kept_ratio: float
    accuracy: float


@dataclass
class Policy:
    """Chooses an option per frame from its own bandwidth estimate."""

    name: str
    planner: Planner
    estimator: ThroughputEstimator
    probes: bool = False
    fixed: Optional[Option] = None                 # Robot-only / Cloud-only baselines
    mixed: tuple[Option, ...] = ()                 # Mixed: the faster of these per frame
    switches: int = field(default=0, init=False)
    _last: Optional[Option] = field(default=None, init=False)

    def choose(self, now: float, link: LinkState) -> Option:
        """Pick the option for the frame starting at ``now``."""
        if self.fixed is not None:
            opt = self.fixed
        elif self.mixed:
            opt = min(self.mixed, key=lambda o: predicted(self.planner, o, link))
        else:
            opt = self.planner.decide(link, now).option
        if self._last is not None and opt != self._last:
            self.switches += 1
        self._last = opt
        return opt


def predicted(planner: Planner, opt: Option, link: LinkState) -> float:
    """Latency the planner's model predicts for ``opt`` on ``link``."""
    c = planner.cost(opt)
    if not c.remote:
        return c.fixed_s
    if link.bandwidth_bps <= 0:
        return math.inf
    return c.fixed_s + c.bytes * 8 / link.bandwidth_bps + link.rtt_s + link.cloud_queue_s


def kept_ratio(opt: Option, tokens0: int) -> float:
    """Tokens processed over tokens an unmerged model processes: the accuracy proxy."""
    counts = S.token_counts(opt.schedule, tokens0)
    return sum(counts[:-1]) / (tokens0 * len(opt.schedule))


def accuracy_of(planner: Planner, opt: Option) -> float:
    """Measured accuracy from the robot profile's tables, NaN where none was measured."""
    prof = planner.robot
    if opt.tome_r:
        table = prof.accuracy.get('tome', {})
        return float(table.get(float(opt.tome_r), math.nan))
    if not prof.accuracy:
        return math.nan
    return float(planner.accuracy_for(opt.alpha, opt.codec))


def simulate(policy: Policy, trace: Trace, duration_s: float, rtt_s: float = 0.02,
             frame_interval_s: float = 0.0, probe_interval_s: float = 0.5
             ) -> tuple[list[FrameRecord], int]:
    """Run ``policy`` over ``trace`` for ``duration_s`` seconds; records and dropped frames.

    At a fixed frame rate the robot serves the newest frame when it becomes free (as the edge
    node does); frames overtaken while it was busy are dropped, and a served frame's latency
    counts from its arrival.
    """
    records: list[FrameRecord] = []
    dropped = 0
    t = 0.0            # when the robot is free
    k = 0              # next frame index (fixed rate)
    last_sample = 0.0  # the cold-start prior stands for a sample at time 0
    tokens0 = policy.planner.tokens0
    while True:
        if frame_interval_s:
            newest = int(t // frame_interval_s)
            if newest > k:
                dropped += newest - k
                k = newest
            arrival = k * frame_interval_s
            k += 1
            start = max(t, arrival)
        else:
            arrival = start = t
        if start >= duration_s:
            break
        if policy.probes:
            probe_t = last_sample + probe_interval_s
            while probe_t <= start:  # samples the idle link would have given
                end = trace.transfer_end(probe_t, PROBE_BYTES * 8)
                if math.isfinite(end) and end > probe_t:
                    policy.estimator.add(PROBE_BYTES * 8 / (end - probe_t), end)
                last_sample = probe_t
                probe_t += probe_interval_s
        est = policy.estimator.estimate(start)
        opt = policy.choose(start, LinkState(est.bps, rtt_s))
        cost = policy.planner.cost(opt)
        if cost.remote:
            send = start + cost.before_s
            arrive = trace.transfer_end(send, cost.bytes * 8)
            latency = arrive - start + rtt_s + cost.after_s
            if arrive > send:
                policy.estimator.add(cost.bytes * 8 / (arrive - send), arrive)
                last_sample = arrive
        else:
            latency = cost.fixed_s
        if not math.isfinite(latency):
            break
        records.append(FrameRecord(start, latency + start - arrival, opt,
                                   cost.bytes if cost.remote else 0, trace.rate_at(start),
                                   est.bps / 1e6, kept_ratio(opt, tokens0),
                                   accuracy_of(policy.planner, opt)))
        t = start + latency
    return records, dropped


@dataclass(frozen=True)
class Summary:
    """The paper's metrics for one policy on one trace."""

    policy: str
    frames: int
    dropped: int
    violation_ratio: float
    throughput_fps: float
    mean_latency_ms: float
    latency_deviation: float
    kept_ratio: float
    accuracy: float
    switches: int


def summarize(name: str, records: list[FrameRecord], dropped: int, sla_s: float,
              duration_s: float, switches: int) -> Summary:
    """SLA violations (dropped frames count as violated), frames/s, latency, proxies."""
    lat = np.array([r.latency_s for r in records])
    finished = (np.array([r.start_s for r in records]) + lat) <= duration_s
    total = len(lat) + dropped
    return Summary(
        policy=name, frames=len(records), dropped=dropped,
        violation_ratio=float((np.sum(lat > sla_s) + dropped) / total) if total else math.nan,
        throughput_fps=float(finished.sum() / duration_s),
        mean_latency_ms=float(lat.mean() * 1e3) if len(lat) else math.nan,
        latency_deviation=float(np.mean(np.maximum(0.0, (lat - sla_s) / sla_s))),
        kept_ratio=float(np.mean([r.kept_ratio for r in records])),
        accuracy=float(np.mean([r.accuracy for r in records])),
        switches=switches)


def standard_policies(robot, cloud, sla_s: float, prior_bps: float,
                      lossless_codec: str = 'png', jpeg_codec: str = 'jpeg90'
                      ) -> list[Policy]:
    """Build the paper's baselines (ToMe at its maximum r), Algorithm 1 and the full planner."""
    def estimator() -> ThroughputEstimator:
        return ThroughputEstimator('harmonic', window=5, max_age_s=1e9, prior_bps=prior_bps)
    full = Planner(robot, cloud, PlannerConfig(sla_s=sla_s, image_codecs=(
        'raw', lossless_codec, jpeg_codec)))
    paper = Planner(robot, cloud, PlannerConfig(sla_s=sla_s, mode='paper',
                                                paper_frame_codec=lossless_codec))
    n, x0 = robot.depth, robot.tokens0
    r = S.max_constant_r(n, x0)
    tome = S.constant_schedule(r, n, x0)
    robot_only = Option(ROBOT, n + 1, 0.0, 'fp32', tome, tome_r=r)
    cloud_lossless = Option(CLOUD, 0, 0.0, lossless_codec, tome, tome_r=r)
    cloud_jpeg = Option(CLOUD, 0, 0.0, jpeg_codec, tome, tome_r=r)
    adaptive = ThroughputEstimator('harmonic', window=5, max_age_s=5.0, prior_bps=prior_bps,
                                   shift_factor=2.0)
    return [
        Policy('Robot-only', full, estimator(), fixed=robot_only),
        Policy('Cloud-only (lossless)', full, estimator(), fixed=cloud_lossless),
        Policy('Cloud-only (JPEG)', full, estimator(), fixed=cloud_jpeg),
        Policy('Mixed', full, estimator(), mixed=(robot_only, cloud_lossless)),
        Policy('Janus (Algorithm 1)', paper, estimator()),
        Policy('janus_ros (full)', full, adaptive, probes=True),
    ]
