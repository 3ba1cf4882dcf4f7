# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Edge (robot) node: camera frames in, the current plan applied, one result per frame out.

Threads: the executor only converts and hands over frames (newest wins: a frame replaced
before it started is dropped and counted); the main thread runs the model and sends requests
(``common.run``); answers from the cloud complete frames; a timer finishes on the robot any
frame the cloud has not answered within ``cloud_timeout_s`` and holds robot-only until the
monitor re-plans.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import torch
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node
from sensor_msgs.msg import CompressedImage, Image

from janus_ros.core.engine import JanusEngine, Prediction
from janus_ros.core.image_codec import encode_image, image_format
from janus_ros.core.image_input import ImageInputError
from janus_ros.core.overlay import draw_overlay, token_regions
from janus_ros.core.wire_codec import encode_tokens
from janus_ros.msg import ClassificationResult, CloudFrame, FrameInfo, JanusPlan, TokenFeatures
from janus_ros.nodes import ros_io as io
from janus_ros.nodes.common import DIAGNOSTICS, WorkerMixin, declare_with_validation, \
    diagnostic_array, engine_from_params, run
from janus_ros.nodes.params import EDGE
from janus_ros.nodes.plan_io import ActivePlan, PlanError, default_plan, from_msg
from janus_ros.planning.planner import CLOUD, ROBOT


DEBUG_SIDE = 320  # pixels: big enough to read in rviz, small enough not to load a weak robot


@dataclass
class Frame:
    """A received frame and what happened to it so far."""

    seq: int
    header: Any
    rgb: np.ndarray
    t_in: float
    crop: Optional[np.ndarray] = None
    plan: Optional[ActivePlan] = None
    preprocess_s: float = 0.0
    compute_s: float = 0.0
    encode_s: float = 0.0
    bytes_sent: int = 0
    t_sent: float = 0.0
    regions: Optional[np.ndarray] = None


class EdgeNode(WorkerMixin, Node):
    """Runs the robot part of each frame according to the current JanusPlan."""

    def __init__(self) -> None:
        super().__init__('edge_node')
        self.p = declare_with_validation(self, EDGE)
        self.engine: JanusEngine = engine_from_params(self.p, self.get_logger())
        self.grid = self.engine.vit.model.patch_embed.grid_size
        self.plan = default_plan(self.engine.depth)
        self.fallback_until_plan: Optional[int] = None   # robot-only until a newer plan id
        self.warn = io.RateLimitedLog(self.get_logger())
        self.stats = dict(frames_in=0, results=0, dropped=0, rejected_input=0, fallbacks=0,
                          late_cloud_answers=0, rejected_plans=0, publish_errors=0)
        self._seq = 0
        self.init_worker()
        self._pending: Optional[Frame] = None
        self._inflight: dict[tuple[int, int], Frame] = {}
        self._fallbacks: deque[Frame] = deque()
        # history no deeper than the frames allowed in flight: a reliable writer must not keep
        # retransmitting frames the robot has already finished itself over a dying link
        req_qos = io.request_qos(self.p['reliable_transport'], self.p['max_in_flight'])
        self.pub_tokens = self.create_publisher(TokenFeatures, io.TOKENS, req_qos)
        self.pub_frame = self.create_publisher(CloudFrame, io.FRAME, req_qos)
        self.pub_result = self.create_publisher(ClassificationResult, io.RESULT, io.RESULT_QOS)
        self.pub_debug = self.create_publisher(Image, io.DEBUG_IMAGE, 2)
        self.pub_diag = self.create_publisher(DiagnosticArray, DIAGNOSTICS, 10)
        self.create_subscription(Image, io.IMAGE, self.on_image, io.SENSOR_QOS)
        self.create_subscription(JanusPlan, io.PLAN, self.on_plan, io.PLAN_QOS)
        self.create_subscription(ClassificationResult, io.CLOUD_RESULT, self.on_cloud_result,
                                 io.RESULT_QOS)
        self.create_timer(0.1, self.check_timeouts)
        self.create_timer(1.0, self.publish_diagnostics)
        self.get_logger().info(f'edge ready: image converter {io.CONVERTER}, '
                               f'max_in_flight {self.p["max_in_flight"]}')

    # -- input ----------------------------------------------------------------------------------
    def on_image(self, msg: Image) -> None:
        """Convert and hand over; the newest frame replaces one not yet started."""
        t_in = time.monotonic()
        self.stats['frames_in'] += 1
        try:
            rgb = io.image_to_rgb(msg)
        except ImageInputError as exc:
            self.stats['rejected_input'] += 1
            self.warn.warn('input', f'rejected image: {exc}')
            return
        with self._cv:
            self._seq += 1
            if self._pending is not None:
                self.stats['dropped'] += 1
            self._pending = Frame(self._seq, msg.header, rgb, t_in)
            self._cv.notify_all()

    def on_plan(self, msg: JanusPlan) -> None:
        """Adopt a new plan from the monitor (validated against this model)."""
        try:
            plan = from_msg(msg, self.engine.depth, self.engine.tokens0)
        except PlanError as exc:
            self.stats['rejected_plans'] += 1
            self.warn.warn('plan', f'ignored plan {msg.plan_id}: {exc}')
            return
        with self._cv:
            self.plan = plan
            if self.fallback_until_plan is not None and plan.plan_id > self.fallback_until_plan:
                self.fallback_until_plan = None
        self.get_logger().info(f'plan {plan.plan_id}: {plan.describe()} ({msg.reason})')

    # -- worker ---------------------------------------------------------------------------------
    def work(self) -> None:
        """Serve fallbacks first, then the newest frame when a cloud slot is free."""
        while True:
            with self._cv:
                self._cv.wait_for(lambda: not self._running or self._fallbacks or (
                    self._pending is not None
                    and len(self._inflight) < self.p['max_in_flight']))
                if not self._running:
                    return
                if self._fallbacks:
                    frame, fallback = self._fallbacks.popleft(), True
                else:
                    frame, fallback = self._pending, False
                    self._pending = None
                    frame.plan = self.plan if self.fallback_until_plan is None \
                        else self.plan.robot_only()
            try:
                self.finish_on_robot(frame, fallback) if fallback else self.start(frame)
            except Exception as exc:  # never let one frame stop the node; it still counts
                self.stats['dropped'] += 1
                self.get_logger().error(f'frame {frame.seq} failed: {exc!r}')

    def start(self, frame: Frame) -> None:
        """Pre-process and run the plan's robot part; publish a result or a request."""
        plan = frame.plan
        t0 = time.monotonic()
        frame.crop = self.engine.pre.crop(frame.rgb)
        frame.rgb = None
        frame.preprocess_s = time.monotonic() - t0
        if plan.mode == ROBOT:
            self.finish_on_robot(frame, fallback=False)
            return
        pub = self.pub_frame if plan.mode == CLOUD else self.pub_tokens
        if pub.get_subscription_count() == 0:  # no cloud matched (yet, or any more)
            self.warn.warn('no-cloud', f'no cloud subscribed to {pub.topic_name}: finishing '
                           'on the robot')
            self.finish_on_robot(frame, fallback=True)
            return
        info = FrameInfo(seq=frame.seq, model_id=self.engine.spec.name,
                         weights_fingerprint=self.engine.fingerprint, plan_id=plan.plan_id,
                         alpha=plan.alpha, merge_schedule=list(plan.schedule),
                         preprocess_s=frame.preprocess_s)
        if plan.mode == CLOUD:
            t1 = time.monotonic()
            msg = CloudFrame(header=frame.header, info=info)
            if plan.codec == 'raw':
                msg.raw = io.rgb_to_image(frame.crop, frame.header)
                frame.bytes_sent = len(msg.raw.data)
            else:
                data = encode_image(frame.crop, plan.codec)
                msg.compressed = CompressedImage(header=frame.header,
                                                 format=image_format(plan.codec), data=data)
                frame.bytes_sent = len(data)
            frame.encode_s = info.encode_s = time.monotonic() - t1
            self.send(frame, self.pub_frame, msg)
            return
        t1 = time.monotonic()
        state = self.engine.robot([frame.crop], plan.split, plan.schedule,
                                  track_source=self.p['debug_image'])
        frame.compute_s = info.compute_s = time.monotonic() - t1
        frame.regions = self._regions(state)
        t2 = time.monotonic()
        enc = encode_tokens(state.x[0].numpy(), state.sizes()[0].numpy(), plan.codec,
                            plan.compression)
        msg = io.encoded_to_msg(enc, TokenFeatures(header=frame.header, info=info,
                                                   split_layer=plan.split))
        frame.encode_s = info.encode_s = time.monotonic() - t2
        frame.bytes_sent = enc.nbytes
        self.send(frame, self.pub_tokens, msg)

    def send(self, frame: Frame, pub: Any, msg: Any) -> None:
        """Register the frame as in flight, then publish the request."""
        key = io.stamp_key(frame.header.stamp)
        with self._cv:
            if key in self._inflight:  # a camera repeating stamps would make answers ambiguous
                self.warn.warn('stamp', 'input stamps repeat; restamping with the node clock')
                frame.header.stamp = self.get_clock().now().to_msg()
                key = io.stamp_key(frame.header.stamp)
                msg.header.stamp = frame.header.stamp
            frame.t_sent = time.monotonic()
            self._inflight[key] = frame
        msg.info.send_time = io.wall_time_msg()
        try:
            pub.publish(msg)
        except Exception as exc:  # reliable QoS can refuse under back-pressure: robot finishes
            self.stats['publish_errors'] += 1
            self.warn.warn('publish', f'could not send frame {frame.seq}: {exc}')
            with self._cv:
                if self._inflight.pop(key, None) is not None:
                    self._fallbacks.append(frame)
                    self._cv.notify_all()

    def finish_on_robot(self, frame: Frame, fallback: bool) -> None:
        """Run the whole model here (robot-only plan, or the cloud did not answer)."""
        plan = frame.plan.robot_only()
        t0 = time.monotonic()
        state = self.engine.robot([frame.crop], self.engine.depth, plan.schedule,
                                  track_source=self.p['debug_image'])
        logits = self.engine.cloud(state, self.engine.depth, plan.schedule)
        compute = time.monotonic() - t0
        frame.regions = self._regions(state)
        pred = self.engine.predict(logits, self.p['topk'])[0]
        result = self._result(frame, pred, ClassificationResult.SOURCE_ROBOT)
        result.fallback = fallback
        result.robot_compute_s = compute + (frame.compute_s if fallback else 0.0)
        if fallback:
            self.stats['fallbacks'] += 1
        self.publish_result(frame, result)

    @torch.inference_mode()
    def _regions(self, state: Any) -> Optional[np.ndarray]:
        if state.source is None:
            return None
        return token_regions(state.source[0].numpy(), self.grid)

    # -- answers --------------------------------------------------------------------------------
    def on_cloud_result(self, msg: ClassificationResult) -> None:
        """Complete an in-flight frame with the cloud's answer."""
        now = time.monotonic()
        with self._cv:
            frame = self._inflight.pop(io.stamp_key(msg.header.stamp), None)
            self._cv.notify_all()
        if frame is None:
            self.stats['late_cloud_answers'] += 1
            return
        pred = Prediction(msg.class_id, msg.score, tuple(msg.topk_ids), tuple(msg.topk_scores))
        result = self._result(frame, pred, ClassificationResult.SOURCE_CLOUD)
        result.cloud_queue_s = msg.cloud_queue_s
        result.cloud_compute_s = msg.cloud_compute_s
        result.network_s = max(0.0, now - frame.t_sent - msg.cloud_queue_s - msg.cloud_compute_s)
        self.publish_result(frame, result)

    def _result(self, frame: Frame, pred: Prediction, source: str) -> ClassificationResult:
        return ClassificationResult(
            header=frame.header, seq=frame.seq, class_id=pred.class_id,
            label=self.engine.label(pred.class_id), score=pred.score,
            topk_ids=list(pred.topk_ids), topk_scores=list(pred.topk_scores), source=source,
            plan_id=frame.plan.plan_id, plan=frame.plan.describe(),
            weights_random=self.engine.spec.random_weights, preprocess_s=frame.preprocess_s,
            robot_compute_s=frame.compute_s, encode_s=frame.encode_s,
            bytes_sent=frame.bytes_sent)

    def publish_result(self, frame: Frame, result: ClassificationResult) -> None:
        """Stamp end-to-end latency, publish, and draw the debug image when due."""
        result.end_to_end_s = time.monotonic() - frame.t_in
        self.pub_result.publish(result)
        self.stats['results'] += 1
        every = self.p['debug_every']
        if self.p['debug_image'] and self.stats['results'] % every == 0:
            lines = [f'{result.label} {result.score:.2f} ({result.source}'
                     f'{", fallback" if result.fallback else ""})',
                     result.plan, f'{result.end_to_end_s * 1e3:.0f} ms']
            img = draw_overlay(frame.crop, lines, frame.regions, min_side=DEBUG_SIDE)
            self.pub_debug.publish(io.rgb_to_image(img, frame.header))

    def check_timeouts(self) -> None:
        """Hand frames the cloud has not answered in time to the robot; hold robot-only."""
        now = time.monotonic()
        limit = self.p['cloud_timeout_s']
        with self._cv:
            late = [k for k, f in self._inflight.items() if now - f.t_sent > limit]
            for key in late:
                self._fallbacks.append(self._inflight.pop(key))
            if late:
                if self.fallback_until_plan is None:
                    self.get_logger().warning(
                        f'cloud silent for {limit:.2f} s: finishing on the robot, robot-only '
                        'until the monitor re-plans')
                self.fallback_until_plan = self.plan.plan_id
                self._cv.notify_all()

    def publish_diagnostics(self) -> None:
        """Counters on /diagnostics: every frame is answered or counted."""
        with self._cv:
            values = dict(self.stats, in_flight=len(self._inflight), plan=self.plan.describe(),
                          plan_id=self.plan.plan_id,
                          holding_robot_only=self.fallback_until_plan is not None)
        self.pub_diag.publish(diagnostic_array(self, 0, 'ok', values))


def main() -> int:
    """Entry point: ``edge_node --ros-args ...``."""
    return run(EdgeNode)
