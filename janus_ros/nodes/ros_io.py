# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Topic names, QoS, and conversions between janus_ros messages and the core's types."""
from __future__ import annotations

import array
import time
from typing import Any, Mapping, Optional

import numpy as np
from builtin_interfaces.msg import Time
from rclpy.qos import DurabilityPolicy, HistoryPolicy, QoSProfile, ReliabilityPolicy, \
    qos_profile_sensor_data
from sensor_msgs.msg import Image

from janus_ros.core.image_input import to_array, to_rgb
from janus_ros.core.wire_codec import EncodedTokens
from janus_ros.msg import TokenFeatures

# Relative names: each robot's traffic lives under its namespace.
IMAGE = 'image'
TOKENS = 'janus/tokens'
FRAME = 'janus/frame'
CLOUD_RESULT = 'janus/cloud_result'
RESULT = 'janus/result'
PLAN = 'janus/plan'
LINK = 'janus/link'
PROBE = 'janus/probe'
PROBE_REPLY = 'janus/probe_reply'
DEBUG_IMAGE = 'janus/debug_image'
GROUND_TRUTH = 'janus/ground_truth'

SENSOR_QOS = qos_profile_sensor_data
PLAN_QOS = QoSProfile(depth=1, reliability=ReliabilityPolicy.RELIABLE,
                      durability=DurabilityPolicy.TRANSIENT_LOCAL,
                      history=HistoryPolicy.KEEP_LAST)
RESULT_QOS = QoSProfile(depth=50, reliability=ReliabilityPolicy.RELIABLE)
PROBE_QOS = QoSProfile(depth=100, reliability=ReliabilityPolicy.BEST_EFFORT)


def request_qos(reliable: bool, depth: int = 8) -> QoSProfile:
    """Return the QoS of tokens and frames sent to the cloud."""
    return QoSProfile(depth=depth, reliability=ReliabilityPolicy.RELIABLE if reliable
                      else ReliabilityPolicy.BEST_EFFORT)


def _cv_bridge() -> Optional[Any]:
    """cv_bridge's converter when the platform has a working one, else None."""
    try:
        from cv_bridge import CvBridge
        bridge = CvBridge()
        probe = Image(height=1, width=1, encoding='rgb8', step=3, data=bytes(3))
        bridge.imgmsg_to_cv2(probe)
        return bridge
    except Exception:  # absent, or a ROS 1 build that fails on this OpenCV/numpy
        return None


_BRIDGE = _cv_bridge()
CONVERTER = 'cv_bridge' if _BRIDGE is not None else 'janus_ros'


def image_to_rgb(msg: Image, use_bridge: bool = True) -> np.ndarray:
    """sensor_msgs/Image -> (H, W, 3) uint8 RGB; raises ImageInputError on bad input."""
    arr = to_array(msg.encoding, msg.height, msg.width, msg.step, bytes(msg.data),
                   bool(msg.is_bigendian))
    if use_bridge and _BRIDGE is not None:
        arr = _BRIDGE.imgmsg_to_cv2(msg)
    return to_rgb(msg.encoding, arr)


def rgb_to_image(rgb: np.ndarray, header: Any = None) -> Image:
    """(H, W, 3) uint8 RGB -> sensor_msgs/Image rgb8."""
    msg = Image(height=int(rgb.shape[0]), width=int(rgb.shape[1]), encoding='rgb8',
                step=int(rgb.shape[1]) * 3, data=np.ascontiguousarray(rgb, np.uint8).tobytes())
    if header is not None:
        msg.header = header
    return msg


def f32(values: np.ndarray) -> array.array:
    """Convert numpy to array('f') without a Python loop (rclpy float32[] fields)."""
    out = array.array('f')
    out.frombytes(np.ascontiguousarray(values, np.float32).tobytes())
    return out


def encoded_to_msg(enc: EncodedTokens, msg: TokenFeatures) -> TokenFeatures:
    """Fill the tensor fields of a TokenFeatures from an EncodedTokens."""
    msg.shape = array.array('I', enc.shape)
    msg.dtype = enc.dtype
    msg.scales = f32(enc.scales)
    msg.compression = enc.compression
    msg.raw_length = enc.raw_length
    msg.data = enc.data
    msg.token_sizes = f32(enc.sizes)
    return msg


def msg_to_encoded(msg: TokenFeatures) -> EncodedTokens:
    """Read the tensor fields of a TokenFeatures (validated later, when decoded)."""
    return EncodedTokens(shape=tuple(int(v) for v in msg.shape), dtype=int(msg.dtype),
                         scales=np.frombuffer(msg.scales, np.float32),
                         compression=int(msg.compression), raw_length=int(msg.raw_length),
                         data=bytes(msg.data), sizes=np.frombuffer(msg.token_sizes, np.float32))


def stamp_key(stamp: Time) -> tuple[int, int]:
    """Key that matches a frame's answers to the frame."""
    return (int(stamp.sec), int(stamp.nanosec))


def wall_time_msg() -> Time:
    """Now (wall clock) as builtin_interfaces/Time."""
    ns = time.time_ns()
    return Time(sec=ns // 1_000_000_000, nanosec=ns % 1_000_000_000)


class RateLimitedLog:
    """Log a recurring problem at most once per period, with the count since the last line."""

    def __init__(self, logger: Any, period_s: float = 5.0) -> None:
        self.logger, self.period_s = logger, period_s
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def warn(self, key: str, text: str) -> None:
        """Warn about ``key`` now unless it was reported within the period."""
        now = time.monotonic()
        self._count[key] = self._count.get(key, 0) + 1
        if now - self._last.get(key, -1e9) >= self.period_s:
            n = self._count.pop(key)
            self._last[key] = now
            self.logger.warning(text + (f' ({n} since last report)' if n > 1 else ''))


def received_at(info: Mapping[str, Any]) -> float:
    """When the middleware received a message, on this process's monotonic clock.

    A subscription callback can run well after reception when the executor waits behind the
    model on a loaded host; timings that describe the link or the queue start at reception.
    Falls back to now when the middleware reports no reception time.
    """
    now_wall, now = time.time_ns(), time.monotonic()
    received = int(info.get('received_timestamp') or 0)
    if received <= 0 or received > now_wall:
        return now
    return now - (now_wall - received) * 1e-9
