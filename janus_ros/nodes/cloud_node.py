# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Cloud node: finishes frames for one or many robots, each in its own namespace.

Every request is validated (model and weights fingerprint, plan schedule, split, token shape,
codec) before any compute; a bad one is logged (rate-limited), counted and not answered.
Requests that share (split, schedule) run as one batch. Probe bursts from the robots' monitors
are timed here, on this clock only, and answered with their dispersion.
"""
from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np
import torch
from diagnostic_msgs.msg import DiagnosticArray
from rclpy.node import Node

from janus_ros.core import schedule as S
from janus_ros.core.compression import PayloadError
from janus_ros.core.engine import JanusEngine
from janus_ros.core.image_codec import decode_image
from janus_ros.core.split_vit import TokenState
from janus_ros.core.wire_codec import decode_tokens
from janus_ros.msg import ClassificationResult, CloudFrame, FrameInfo, LinkProbe, \
    LinkProbeReply, TokenFeatures
from janus_ros.nodes import ros_io as io
from janus_ros.nodes.common import DIAGNOSTICS, WorkerMixin, declare_with_validation, \
    diagnostic_array, engine_from_params, run
from janus_ros.nodes.params import CLOUD


@dataclass
class Request:
    """One queued frame: where it came from, the message, when it arrived."""

    ns: str
    msg: Any
    t_recv: float
    key: tuple = ()
    payload: Any = None


@dataclass
class Burst:
    """Arrivals of one probe burst (the middleware's reception times, monotonic seconds)."""

    first: float
    last: float
    received: int
    bytes_after_first: int


def normalize_ns(ns: str) -> str:
    """'' or '/robot1' (no trailing slash)."""
    ns = ns.strip().rstrip('/')
    return '' if not ns else (ns if ns.startswith('/') else '/' + ns)


class CloudNode(WorkerMixin, Node):
    """Finishes the model from the split point for every robot it serves."""

    def __init__(self) -> None:
        super().__init__('cloud_node')
        self.p = declare_with_validation(self, CLOUD)
        self.engine: JanusEngine = engine_from_params(self.p, self.get_logger())
        self.warn = io.RateLimitedLog(self.get_logger())
        self.stats = dict(received=0, served=0, rejected=0, refused_queue_full=0, batches=0,
                          probes=0)
        self.queue_delay_s = 0.0
        self._busy = False  # a batch is running
        self._robots: dict[str, dict[str, Any]] = {}
        self._bursts: dict[tuple[str, int], Burst] = {}
        self._queue: deque[Request] = deque()
        self.init_worker()
        self.pub_diag = self.create_publisher(DiagnosticArray, DIAGNOSTICS, 10)
        for ns in self.p['robots']:
            self.attach(normalize_ns(ns))
        self.create_timer(1.0, self.housekeeping)

    # -- robots ---------------------------------------------------------------------------------
    def attach(self, ns: str) -> None:
        """Serve the robot whose topics live under namespace ``ns``."""
        if ns in self._robots:
            return
        qos = io.request_qos(self.p['reliable_transport'])
        topic = (lambda name: f'{ns}/{name}')
        self._robots[ns] = dict(
            result=self.create_publisher(ClassificationResult, topic(io.CLOUD_RESULT),
                                         io.RESULT_QOS),
            probe_reply=self.create_publisher(LinkProbeReply, topic(io.PROBE_REPLY),
                                              io.RESULT_QOS),
            subs=[self.create_subscription(TokenFeatures, topic(io.TOKENS),
                                           lambda m, n=ns: self.enqueue(n, m), qos),
                  self.create_subscription(CloudFrame, topic(io.FRAME),
                                           lambda m, n=ns: self.enqueue(n, m), qos),
                  self.create_subscription(LinkProbe, topic(io.PROBE),
                                           lambda m, info, n=ns: self.on_probe(n, m, info),
                                           io.PROBE_QOS)])
        self.get_logger().info(f'serving robot namespace {ns or "/"}')

    def housekeeping(self) -> None:
        """Discover new robots, forget stale probe bursts, publish diagnostics."""
        if self.p['discover']:
            suffix = '/' + io.TOKENS
            for name, _ in self.get_topic_names_and_types():
                if name.endswith(suffix):
                    self.attach(normalize_ns(name[:-len(suffix)]))
        now = time.monotonic()
        for key in [k for k, b in self._bursts.items() if now - b.last > 5.0]:
            del self._bursts[key]
        with self._cv:
            values = dict(self.stats, queue_length=len(self._queue),
                          queue_delay_ms=round(self.queue_delay_s * 1e3, 2),
                          robots=','.join(sorted(self._robots)) or '/')
        self.pub_diag.publish(diagnostic_array(self, 0, 'ok', values))

    # -- requests -------------------------------------------------------------------------------
    def enqueue(self, ns: str, msg: Any) -> None:
        """Validate cheaply and queue; refuse when the queue is full.

        Waiting counts from this callback, not from DDS reception: a reliable sample can be
        received early and held back behind a lost one, which is the link's delay, not ours.
        """
        now = time.monotonic()
        self.stats['received'] += 1
        try:
            req = self.validate(Request(ns, msg, now))
        except PayloadError as exc:
            self.stats['rejected'] += 1
            self.warn.warn(f'bad-{ns}', f'rejected frame from {ns or "/"}: {exc}')
            return
        with self._cv:
            if len(self._queue) >= self.p['max_queue']:
                self.stats['refused_queue_full'] += 1
                self.warn.warn('full', 'queue full: refusing frames')
                return
            self._queue.append(req)
            self._cv.notify()

    def _check_info(self, info: FrameInfo) -> tuple[int, ...]:
        e = self.engine
        if info.model_id != e.spec.name or info.weights_fingerprint != e.fingerprint:
            raise PayloadError(f'model {info.model_id}/{info.weights_fingerprint} != this cloud '
                               f'{e.spec.name}/{e.fingerprint}')
        sched = tuple(int(r) for r in info.merge_schedule)
        if len(sched) != e.depth or S.capped(sched, e.tokens0) != sched:
            raise PayloadError(f'merge schedule of {len(sched)} entries does not fit the model')
        return sched

    def validate(self, req: Request) -> Request:
        """Decode and check a request fully; raises PayloadError."""
        msg, e = req.msg, self.engine
        sched = self._check_info(msg.info)
        if isinstance(msg, TokenFeatures):
            split = int(msg.split_layer)
            if not 1 <= split <= e.depth:
                raise PayloadError(f'split {split} outside 1..{e.depth}')
            expected = S.token_counts(sched, e.tokens0)[split]
            x, sizes = decode_tokens(io.msg_to_encoded(msg), expected, e.vit.embed_dim)
            if x.shape[0] != expected:
                raise PayloadError(f'{x.shape[0]} tokens, schedule implies {expected}')
            req.payload = (x, sizes)
            req.key = ('tokens', split, sched)
            return req
        if msg.compressed.format:
            crop = decode_image(bytes(msg.compressed.data), msg.compressed.format)
        else:
            crop = decode_image(bytes(msg.raw.data), 'raw', msg.raw.height, msg.raw.width)
        if crop.shape[:2] != (e.pre.height, e.pre.width):
            raise PayloadError(f'frame {crop.shape[1]}x{crop.shape[0]} is not the model input '
                               f'{e.pre.width}x{e.pre.height}')
        req.payload = crop
        req.key = ('frame', 0, sched)
        return req

    def work(self) -> None:
        """Take the oldest request and every queued one of the same key, up to batch_size."""
        while True:
            with self._cv:
                self._cv.wait_for(lambda: self._queue or not self._running)
                if not self._running:
                    return
                head = self._queue.popleft()
                batch = [head]
                for req in list(self._queue):
                    if len(batch) >= self.p['batch_size']:
                        break
                    if req.key == head.key:
                        batch.append(req)
                        self._queue.remove(req)
                self._busy = True
            try:
                self.run_batch(batch)
            except Exception as exc:  # keep serving: count and report the failed batch
                self.stats['rejected'] += len(batch)
                self.get_logger().error(f'batch of {len(batch)} failed: {exc!r}')
            finally:
                with self._cv:
                    self._busy = False

    def expected_wait_s(self) -> float:
        """Estimate what a request arriving now would wait: 0 when idle, else recent queueing.

        The average alone would keep reporting the queueing of the last busy moment (say, a
        burst of frames released by a link that recovered) for as long as the cloud idles,
        and keep robots from sending it work.
        """
        with self._cv:
            idle = not self._queue and not self._busy
        return 0.0 if idle else self.queue_delay_s

    @torch.inference_mode()
    def run_batch(self, batch: list[Request]) -> None:
        """One forward pass for the batch, then one answer per request."""
        t0 = time.monotonic()
        kind, split, sched = batch[0].key
        if kind == 'tokens':
            x = torch.from_numpy(np.stack([r.payload[0] for r in batch]))
            sizes = np.stack([r.payload[1] for r in batch])
            size = None if np.all(sizes == 1) else torch.from_numpy(sizes).unsqueeze(-1)
            logits = self.engine.cloud(TokenState(x=x, size=size), split, sched)
        else:
            logits = self.engine.whole([r.payload for r in batch], sched)
        compute = time.monotonic() - t0
        preds = self.engine.predict(logits, 5)
        self.stats['batches'] += 1
        for req, pred in zip(batch, preds):
            queued = t0 - req.t_recv
            self.queue_delay_s = 0.8 * self.queue_delay_s + 0.2 * queued
            out = ClassificationResult(
                header=req.msg.header, seq=req.msg.info.seq, class_id=pred.class_id,
                label=self.engine.label(pred.class_id), score=pred.score,
                topk_ids=list(pred.topk_ids), topk_scores=list(pred.topk_scores),
                source=ClassificationResult.SOURCE_CLOUD, plan_id=req.msg.info.plan_id,
                weights_random=self.engine.spec.random_weights, cloud_queue_s=queued,
                cloud_compute_s=compute)
            self._robots[req.ns]['result'].publish(out)
            self.stats['served'] += 1

    # -- probes ---------------------------------------------------------------------------------
    def on_probe(self, ns: str, msg: LinkProbe, info: Mapping[str, Any]) -> None:
        """Time probe arrivals; answer a burst at its last probe (a ping at once).

        Arrivals are the middleware's reception times, not this callback's: the callback can
        wait behind the model on a loaded host, which would stretch a burst's dispersion and
        make a fast link look slow.
        """
        now = io.received_at(info)
        self.stats['probes'] += 1
        key = (ns, int(msg.burst_id))
        burst = self._bursts.get(key)
        if burst is None:
            burst = self._bursts[key] = Burst(now, now, 1, 0)
        else:
            burst.last = max(burst.last, now)
            burst.received += 1
            burst.bytes_after_first += len(msg.padding)
        if msg.index + 1 >= msg.count:
            del self._bursts[key]
            with self._cv:
                qlen = len(self._queue)
            reply = LinkProbeReply(header=msg.header, burst_id=msg.burst_id,
                                   received=burst.received, bytes=burst.bytes_after_first,
                                   dispersion_s=burst.last - burst.first,
                                   hold_s=time.monotonic() - now,
                                   cloud_queue_s=self.expected_wait_s(),
                                   cloud_queue_length=qlen)
            self._robots[ns]['probe_reply'].publish(reply)


def main() -> int:
    """Entry point: ``cloud_node --ros-args ...``."""
    return run(CloudNode)
