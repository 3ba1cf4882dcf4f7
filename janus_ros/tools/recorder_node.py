# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Demo/experiment recorder: scores results, prints status, writes them to JSON on exit.

It scores results against ground truth, prints a status line per second, saves a few debug
images and writes every result to results.json.

Runs on the robot side next to the nodes. The shaped link rate is known from the scenario
(``scenario`` = "t0:mbit,t1:mbit,...", seconds from ``start_epoch``), which the orchestrator
applies with tc on the same clock.
"""
from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node
from sensor_msgs.msg import Image

from janus_ros.evaluation.live_report import READY_FILE
from janus_ros.msg import ClassificationResult, JanusPlan, LinkEstimate
from janus_ros.nodes import ros_io as io
from janus_ros.nodes.common import declare_with_validation, run
from janus_ros.nodes.params import Param
from janus_ros.nodes.plan_io import plan_text

PARAMS = (
    Param('out', 'out/demo', 'folder for results.json and debug images'),
    Param('scenario', '', 'shaped uplink: "t:mbit,..." seconds after start_epoch'),
    Param('start_epoch', 0.0, 'wall-clock start of the scenario (s)'),
    Param('sla_s', 0.3, 'latency target for the violation count', 0.001, 60.0),
    Param('debug_images', 6, 'debug images to save, spread over the run', 0, 1000),
    Param('debug_every_s', 25.0, 'seconds between saved debug images', 0.1, 3600.0),
)


def parse_scenario(text: str) -> list[tuple[float, float]]:
    """'0:20,60:0.05' -> [(0.0, 20.0), (60.0, 0.05)], sorted by time."""
    steps = []
    for item in filter(None, (p.strip() for p in text.split(','))):
        t, _, mbit = item.partition(':')
        steps.append((float(t), float(mbit)))
    return sorted(steps)


def rate_at(steps: list[tuple[float, float]], t: float) -> float:
    """Shaped rate at ``t`` seconds into the scenario (NaN without one)."""
    rate = math.nan
    for start, mbit in steps:
        if t >= start:
            rate = mbit
    return rate


class RecorderNode(Node):
    """Subscribes to the robot's topics and keeps the evidence."""

    def __init__(self) -> None:
        super().__init__('janus_recorder')
        self.p = declare_with_validation(self, PARAMS)
        self.out = Path(self.p['out'])
        self.out.mkdir(parents=True, exist_ok=True)
        self.steps = parse_scenario(self.p['scenario'])
        self.start = self.p['start_epoch'] or time.time()
        self.truth: dict[tuple[int, int], int] = {}
        self.rows: list[dict[str, Any]] = []
        self.plans: list[dict[str, Any]] = []
        self.link = (math.nan, math.nan)
        self.edge: dict[str, str] = {}
        self.saved = 0
        self.last_saved = -math.inf
        self.create_subscription(ClassificationResult, io.GROUND_TRUTH, self.on_truth,
                                 io.RESULT_QOS)
        self.create_subscription(ClassificationResult, io.RESULT, self.on_result, io.RESULT_QOS)
        self.create_subscription(JanusPlan, io.PLAN, self.on_plan, io.PLAN_QOS)
        self.create_subscription(LinkEstimate, io.LINK, self.on_link, 10)
        self.create_subscription(Image, io.DEBUG_IMAGE, self.on_debug, 2)
        self.create_subscription(DiagnosticArray, '/diagnostics', self.on_diag, 10)
        self.create_timer(1.0, self.status)
        self.ready_timer = self.create_timer(0.1, self.mark_ready)

    def mark_ready(self) -> None:
        """Create ``ready`` in the output folder once the edge's results reach this node.

        The demo starts the camera only then: results published before the recorder matched
        the edge's publisher would be missing from the evidence.
        """
        if self.count_publishers(io.RESULT) > 0:
            (self.out / READY_FILE).touch()
            self.destroy_timer(self.ready_timer)

    def elapsed(self) -> float:
        """Seconds since the scenario started."""
        return time.time() - self.start

    def on_truth(self, msg: ClassificationResult) -> None:
        """Remember the true class of a frame."""
        self.truth[io.stamp_key(msg.header.stamp)] = msg.class_id

    def on_plan(self, msg: JanusPlan) -> None:
        """Keep the plan history."""
        self.plans.append(dict(t=self.elapsed(), plan_id=msg.plan_id, mode=msg.mode,
                               split=msg.split_layer, alpha=msg.alpha, codec=msg.codec,
                               text=plan_text(msg), reason=msg.reason))

    def on_link(self, msg: LinkEstimate) -> None:
        """Latest bandwidth and RTT estimate."""
        self.link = (msg.bandwidth_bps / 1e6, msg.rtt_s)

    def on_diag(self, msg: DiagnosticArray) -> None:
        """Latest edge counters (frames in, dropped, fallbacks ...)."""
        for st in msg.status:
            if st.name.endswith('edge_node'):
                self.edge = {kv.key: kv.value for kv in st.values}

    def on_result(self, msg: ClassificationResult) -> None:
        """Score one result."""
        t = self.elapsed()
        truth = self.truth.get(io.stamp_key(msg.header.stamp), -1)
        self.rows.append(dict(
            t=t, seq=msg.seq, source=msg.source, fallback=msg.fallback, plan=msg.plan,
            plan_id=msg.plan_id, latency_s=msg.end_to_end_s, class_id=msg.class_id,
            truth=truth, correct=(truth == msg.class_id) if truth >= 0 else None,
            bytes=msg.bytes_sent, estimate_mbps=self.link[0], rtt_s=self.link[1],
            shaped_mbps=rate_at(self.steps, t), robot_s=msg.robot_compute_s,
            network_s=msg.network_s, cloud_s=msg.cloud_compute_s))

    def on_debug(self, msg: Image) -> None:
        """Save a debug image now and then."""
        t = self.elapsed()
        if self.saved >= self.p['debug_images'] or t - self.last_saved < self.p['debug_every_s']:
            return
        rgb = np.frombuffer(bytes(msg.data), np.uint8).reshape(msg.height, msg.width, 3)
        cv2.imwrite(str(self.out / f'debug_{self.saved:02d}_t{t:03.0f}s.png'),
                    cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        self.saved += 1
        self.last_saved = t

    def status(self) -> None:
        """One line a second: plan, estimate vs shaped rate, latency, violations, accuracy."""
        t = self.elapsed()
        recent = [r for r in self.rows if r['t'] > t - 1.0]
        lat = np.median([r['latency_s'] for r in recent]) * 1e3 if recent else math.nan
        viol = sum(r['latency_s'] > self.p['sla_s'] for r in self.rows)
        scored = [r['correct'] for r in self.rows if r['correct'] is not None]
        acc = 100 * np.mean(scored) if scored else math.nan
        plan = self.plans[-1]['text'] if self.plans else '-'
        print(f't={t:5.1f}s plan={plan:30s} bw est {self.link[0]:7.2f} / shaped '
              f'{rate_at(self.steps, t):6.2f} Mbit/s  latency p50 {lat:6.1f} ms  SLA viol '
              f'{viol}/{len(self.rows)}  acc {acc:5.1f} %  '
              f'dropped {self.edge.get("dropped", "-")}', flush=True)

    def close(self) -> None:
        """Write everything recorded."""
        (self.out / 'results.json').write_text(json.dumps(dict(
            rows=self.rows, plans=self.plans, edge=self.edge, frames_sent=len(self.truth),
            scenario=self.steps, sla_s=self.p['sla_s']), indent=1))


def main() -> int:
    """Entry point: ``janus-recorder --ros-args -p out:=DIR ...``."""
    return run(RecorderNode)
