# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Bandwidth monitor node: estimates the uplink, re-plans, publishes JanusPlan.

Throughput samples come from real transfers (bytes sent over the upload time: the robot-clock
round trip minus the cloud's own queue and compute time, which the cloud echoes back, minus the
RTT) and, when the link carries no frames (e.g. under a robot-only plan), from probe bursts whose
dispersion the cloud measures on its own clock. No clock synchronisation is assumed.
"""
from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node

from janus_ros.msg import ClassificationResult, JanusPlan, LinkEstimate, LinkProbe, \
    LinkProbeReply
from janus_ros.nodes import ros_io as io
from janus_ros.nodes.common import DIAGNOSTICS, declare_with_validation, diagnostic_array, \
    node_header, run
from janus_ros.nodes.params import MONITOR
from janus_ros.nodes.plan_io import to_msg
from janus_ros.planning.bandwidth import RttEstimator, ThroughputEstimator
from janus_ros.planning.calibration import Calibration
from janus_ros.planning.planner import LinkState, Planner, PlannerConfig
from janus_ros.planning.profile import DeviceProfile

MIN_UPLOAD_S = 2e-4  # below this a transfer's timing is noise, not a bandwidth measurement
MIN_PROBE_BYTES = 2000  # x (count - 1) above a token bucket's depth, or bursts pass at line rate
SERIALISATION_DOMINATES = 10.0
MIN_SMALL_UPLOAD_S = 0.02  # and above per-message processing delays (milliseconds)
PROBE_MEMORY_S = 30.0  # a burst's reply is still used this long after sending (slow links)


@dataclass
class Probe:
    """A ping or burst sent and not yet answered."""

    sent: float            # monotonic send time
    burst: bool            # a burst (bandwidth), not a ping (RTT, liveness)
    overdue: bool = False  # already counted as unanswered; a reply may still come


class MonitorNode(Node):
    """Owns the link estimate and the plan."""

    def __init__(self) -> None:
        super().__init__('monitor_node')
        self.p = declare_with_validation(self, MONITOR, self.on_params)
        if not self.p['robot_profile'] or not self.p['cloud_profile']:
            raise SystemExit('monitor_node needs robot_profile and cloud_profile parameters '
                             '(profile YAML files written by janus-profile)')
        self.robot_profile = DeviceProfile.load(self.p['robot_profile'])
        self.cloud_profile = DeviceProfile.load(self.p['cloud_profile'])
        self.rtt = RttEstimator()
        self.cloud_available = True
        self.cloud_queue_s = 0.0
        self.plan_id = 0
        self.plan_msg: JanusPlan | None = None
        self.plan_option: dict[int, int] = {}     # plan id -> planner option index
        self.calibration = Calibration()
        self.last_transfer = -math.inf
        self.last_probe = -math.inf
        self.last_link_pub = -math.inf
        self.burst_id = 0
        self.outstanding: dict[int, Probe] = {}   # probe id -> probe (kept for late replies)
        self.unanswered = 0                       # probes in a row without an answer (any)
        self.burst_misses = 0                     # bursts in a row without an answer
        self.violations: deque[bool] = deque(maxlen=self.p['violation_window'])
        self.stats = dict(results=0, fallbacks=0, samples_transfer=0, samples_probe=0,
                          probes_sent=0, plans=0)
        self._build()
        self.pub_plan = self.create_publisher(JanusPlan, io.PLAN, io.PLAN_QOS)
        self.pub_link = self.create_publisher(LinkEstimate, io.LINK, 10)
        self.pub_probe = self.create_publisher(LinkProbe, io.PROBE, io.PROBE_QOS)
        self.pub_diag = self.create_publisher(DiagnosticArray, DIAGNOSTICS, 10)
        self.create_subscription(ClassificationResult, io.RESULT, self.on_result, io.RESULT_QOS)
        self.create_subscription(LinkProbeReply, io.PROBE_REPLY, self.on_probe_reply,
                                 io.RESULT_QOS)
        self.create_timer(0.1, self.tick)
        self.create_timer(1.0, self.publish_diagnostics)
        self.tick()

    def _build(self) -> None:
        """(Re)build estimator and planner from the parameters."""
        p = self.p
        self.estimator = ThroughputEstimator(p['estimator'], p['window'], p['max_sample_age_s'],
                                             p['prior_bps'], shift_factor=p['shift_factor'])
        self.planner = Planner(self.robot_profile, self.cloud_profile, PlannerConfig(
            sla_s=p['sla_s'], mode=p['planner_mode'], modes=tuple(p['modes']),
            wire_codecs=tuple(p['wire_codecs']), image_codecs=tuple(p['image_codecs']),
            compression=p['compression'], max_alpha=p['max_alpha'], dwell_s=p['dwell_s'],
            margin=p['margin']))

    def on_params(self, changed: dict[str, Any]) -> None:
        """Runtime changes (SLA, estimator, hysteresis, options) take effect at once."""
        self._build()
        self.plan_msg = None
        self.plan_option.clear()  # option indices belong to the old planner
        self.get_logger().info(f'parameters changed: {sorted(changed)}; re-planning')
        self.tick()

    # -- evidence -------------------------------------------------------------------------------
    def on_result(self, msg: ClassificationResult) -> None:
        """Learn from every answered frame: violations, transfers, cloud health."""
        now = time.monotonic()
        self.stats['results'] += 1
        self.violations.append(msg.end_to_end_s > self.p['sla_s'])
        if msg.fallback:
            self.stats['fallbacks'] += 1
            if self.cloud_available:
                self.get_logger().warning('the robot finished a frame the cloud did not answer: '
                                          'cloud unavailable until probes are answered')
            self.cloud_available = False
            self.tick()
            return
        self.calibrate(msg)
        if msg.source == ClassificationResult.SOURCE_CLOUD:
            self.cloud_queue_s = msg.cloud_queue_s
        if msg.source == ClassificationResult.SOURCE_CLOUD and msg.bytes_sent > 0:
            upload = msg.network_s - self.rtt.min_s
            # a small frame's timing is mostly per-message delay unless the link is slow
            # enough that serialising it clearly dominates the round-trip floor
            if msg.bytes_sent < self.p['min_sample_bytes'] and \
                    upload < max(SERIALISATION_DOMINATES * self.rtt.min_s, MIN_SMALL_UPLOAD_S):
                return
            self.estimator.add(msg.bytes_sent * 8.0 / max(upload, MIN_UPLOAD_S), now)
            self.last_transfer = now
            self.stats['samples_transfer'] += 1

    def calibrate(self, msg: ClassificationResult) -> None:
        """Learn how much slower the robot runs than profiled, and the unaccounted overhead.

        Profiles time the model alone; on a loaded or CPU-limited robot the node's own threads,
        conversions and DDS add to every frame, which the plan must budget for (see
        ``planning.calibration``).
        """
        idx = self.plan_option.get(msg.plan_id)
        if idx is None or idx < 0:
            return
        robot_side = msg.preprocess_s + msg.robot_compute_s + msg.encode_s
        accounted = robot_side + msg.network_s + msg.cloud_queue_s + msg.cloud_compute_s
        self.calibration.add(bool(self.planner.remote[idx]), robot_side,
                             self.planner.robot_s[idx], msg.end_to_end_s - accounted)

    def on_probe_reply(self, msg: LinkProbeReply) -> None:
        """Take bandwidth from a burst's dispersion and RTT from a ping's round trip.

        An unavailable cloud becomes available again only when a burst is answered.

        A reply that comes after its probe was counted unanswered still carries a valid
        bandwidth sample (the cloud times the burst's own arrivals): on a link slowed to a
        trickle, late bursts are the only measure of how slow it is. Its ping round trip is
        not kept as RTT, which would then be mostly the queue in front of it.
        """
        now = time.monotonic()
        probe = self.outstanding.pop(int(msg.burst_id), None)
        if probe is None:
            return
        self.unanswered = 0
        self.cloud_queue_s = msg.cloud_queue_s
        if probe.burst:
            self.burst_misses = 0
            # only a burst brings the cloud back: a ping also gets through a link that has
            # just collapsed, while the estimate still describes the link before it
            if not self.cloud_available:
                self.get_logger().info('cloud answers probe bursts again')
            self.cloud_available = True
        if msg.received <= 1:
            if not probe.overdue:
                self.rtt.add(now - probe.sent - msg.hold_s)
        elif msg.dispersion_s > 0:
            self.estimator.add(msg.bytes * 8.0 / msg.dispersion_s, now)
            self.stats['samples_probe'] += 1

    def expire_probes(self, now: float) -> None:
        """Count bursts not answered in time; the cloud is down after ``cloud_down_after``."""
        overdue_after = max(1.0, 3 * self.p['probe_interval_s'])
        for b, probe in list(self.outstanding.items()):
            if now - probe.sent > PROBE_MEMORY_S:
                del self.outstanding[b]
            elif now - probe.sent > overdue_after and not probe.overdue:
                probe.overdue = True
                self.unanswered += 1
                self.burst_misses += probe.burst
        if self.unanswered >= self.p['cloud_down_after'] and self.cloud_available:
            self.get_logger().warning(f'{self.unanswered} probes unanswered: cloud unavailable')
            self.cloud_available = False

    def probe_due(self, now: float) -> bool:
        """Probe when the link carried no transfer lately and no burst is still on its way.

        One burst at a time: on a link slowed to a trickle, bursts sent every interval would
        pile up in front of the frames.
        """
        interval = self.p['probe_interval_s']
        in_flight = any(not probe.overdue for probe in self.outstanding.values())
        return (now - self.last_transfer > interval and now - self.last_probe > interval
                and not in_flight)

    def probe(self, now: float) -> None:
        """Send a ping and a burst.

        The burst is sized to last ~probe_seconds at the current estimate (large enough to
        drain a token bucket, small enough not to load a poor link for long), and a quarter of
        that for every burst in a row that went unanswered (answered pings do not count: a
        ping gets through a link that drops every burst sized for it): the estimate may be far
        above a link that just collapsed.
        """
        self.last_probe = now
        count = self.p['probe_count']
        est = self.estimator.estimate(now).bps / 4 ** min(self.burst_misses, 4)
        size = int(min(self.p['probe_bytes'],
                       max(MIN_PROBE_BYTES, est / 8 * self.p['probe_seconds'] / count)))
        for count, size in ((1, 0), (count, size)):
            self.burst_id += 1
            self.outstanding[self.burst_id] = Probe(now, burst=count > 1)
            pad = bytes(size)
            for i in range(count):
                self.pub_probe.publish(LinkProbe(header=node_header(self), burst_id=self.burst_id,
                                                 index=i, count=count, padding=pad))
        self.stats['probes_sent'] += 1

    # -- decisions ------------------------------------------------------------------------------
    def tick(self) -> None:
        """Probe if idle, re-plan, publish the plan when it changes and the link estimate."""
        now = time.monotonic()
        self.expire_probes(now)
        if self.probe_due(now):
            self.probe(now)
        est = self.estimator.estimate(now)
        cal = self.calibration
        link = LinkState(est.bps, self.rtt.rtt_s, self.cloud_queue_s, self.cloud_available,
                         cal.scale(False), cal.scale(True), cal.overhead_s(False),
                         cal.overhead_s(True))
        decision = self.planner.decide(link, now)
        if decision.changed or self.plan_msg is None:
            self.plan_id += 1
            self.stats['plans'] += 1
            msg = to_msg(decision, self.plan_id, self.p['compression'], self.p['planner_mode'],
                         est.bps, self.rtt.rtt_s, self.p['sla_s'])
            msg.header = node_header(self)
            self.plan_msg = msg
            self.plan_option[self.plan_id] = decision.index
            self.pub_plan.publish(msg)
            self.get_logger().info(f'plan {self.plan_id}: {decision.reason}')
        if now - self.last_link_pub >= 0.5:
            self.last_link_pub = now
            self.pub_link.publish(LinkEstimate(
                header=node_header(self), bandwidth_bps=est.bps, rtt_s=self.rtt.rtt_s,
                sample_count=est.samples, newest_sample_age_s=est.newest_age_s,
                method=est.method, cloud_reachable=self.cloud_available))

    def publish_diagnostics(self) -> None:
        """Bandwidth, RTT, plan and SLA violation ratio on /diagnostics."""
        est = self.estimator.estimate(time.monotonic())
        ratio = sum(self.violations) / len(self.violations) if self.violations else 0.0
        values = dict(self.stats, bandwidth_mbps=round(est.bps / 1e6, 3),
                      rtt_ms=round(self.rtt.rtt_s * 1e3, 2), estimate_samples=est.samples,
                      robot_scale=round(self.calibration.scale(False), 2),
                      remote_scale=round(self.calibration.scale(True), 2),
                      overhead_ms=round(self.calibration.overhead_s(False) * 1e3, 1),
                      remote_overhead_ms=round(self.calibration.overhead_s(True) * 1e3, 1),
                      cloud_reachable=self.cloud_available,
                      plan=self.plan_msg.reason if self.plan_msg else '',
                      sla_violation_ratio=round(ratio, 4))
        level = 0 if ratio < 0.1 else 1
        self.pub_diag.publish(diagnostic_array(self, level, 'ok' if level == 0 else
                                               'SLA violations above 10 %', values))


def main() -> int:
    """Entry point: ``monitor_node --ros-args ...``."""
    return run(MonitorNode)
