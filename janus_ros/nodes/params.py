# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Each node's ROS parameters in one table: default, description, range or choices.

The tables are plain data (no rclpy) so that tests can check launch files and parameter YAML
against them; ``declare`` turns a table into declared parameters with descriptors, and
``validate`` is the on-set check that refuses bad values at runtime with a reason.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence


@dataclass(frozen=True)
class Param:
    """One parameter: name, default, why it exists, and what values it takes."""

    name: str
    default: Any
    description: str
    low: Optional[float] = None
    high: Optional[float] = None
    choices: tuple[str, ...] = ()
    read_only: bool = False


MODEL = (
    Param('model.name', 'vit_small_patch16_224', 'timm model name', read_only=True),
    Param('model.weights', 'random', "'hub', 'random' (marked in every result) or a file path",
          read_only=True),
    Param('model.seed', 0, 'seed for random weights (robot and cloud must match)', 0, 2**31 - 1,
          read_only=True),
    Param('model.card', '', 'JSON model card; when set it overrides name and weights',
          read_only=True),
    Param('threads', 0, 'torch CPU threads (0: torch default)', 0, 256, read_only=True),
)

EDGE = MODEL + (
    Param('max_in_flight', 2, 'frames sent to the cloud and not yet answered, at most', 1, 64),
    Param('cloud_timeout_s', 1.0, 'after this the robot finishes the frame itself', 0.05, 60.0),
    Param('compression', 'none', 'lossless compression of token payloads',
          choices=('none', 'zlib', 'zstd', 'lz4')),
    Param('topk', 5, 'classes reported per result', 1, 100),
    Param('debug_image', True, 'publish janus/debug_image with the merged-token overlay'),
    Param('debug_every', 1, 'draw the debug image every n-th result', 1, 1000),
    Param('reliable_transport', True, 'reliable QoS for tokens and frames to the cloud'),
)

CLOUD = MODEL + (
    Param('robots', [''], 'robot namespaces to serve; [""] is the root namespace'),
    Param('discover', True, 'also serve any namespace that publishes */janus/tokens'),
    Param('batch_size', 8, 'requests of one (split, schedule) run together, at most', 1, 256),
    Param('max_queue', 64, 'queued requests beyond this are refused and counted', 1, 10000),
    Param('reliable_transport', True, 'reliable QoS for tokens and frames from robots'),
)

MONITOR = (
    Param('robot_profile', '', 'profile YAML of the robot (janus-profile)'),
    Param('cloud_profile', '', 'profile YAML of the cloud (janus-profile)'),
    Param('sla_s', 0.3, 'latency target per frame (s)', 0.001, 60.0),
    Param('planner_mode', 'full', "'full' planner or the paper's Algorithm 1",
          choices=('full', 'paper')),
    Param('modes', ['robot', 'cloud', 'split'], 'options the planner may choose',
          choices=('robot', 'cloud', 'split')),
    Param('wire_codecs', ['fp32', 'fp16', 'int8'], 'token codecs for split plans',
          choices=('fp32', 'fp16', 'int8')),
    Param('image_codecs', ['raw', 'png', 'jpeg90'], 'frame codecs for cloud-only plans'),
    Param('compression', 'none', 'lossless compression of token payloads',
          choices=('none', 'zlib', 'zstd', 'lz4')),
    Param('max_alpha', 1.0, 'cap on alpha (above alpha_max means no cap)', 0.0, 1.0),
    Param('estimator', 'harmonic', 'bandwidth estimator',
          choices=('harmonic', 'ewma', 'percentile')),
    Param('window', 5, 'throughput samples the estimator keeps', 1, 1000),
    Param('max_sample_age_s', 5.0, 'samples older than this are ignored', 0.1, 3600.0),
    Param('prior_bps', 10e6, 'cold-start bandwidth estimate (bit/s)', 0.0, 1e11),
    Param('shift_factor', 2.0, 'forget older samples when the newest two differ by this factor '
          '(0: off, the paper)', 0.0, 100.0),
    Param('dwell_s', 1.0, 'minimum time between voluntary plan changes', 0.0, 600.0),
    Param('margin', 0.1, 'relative gain needed for a voluntary plan change', 0.0, 0.99),
    Param('min_sample_bytes', 16000, 'smaller transfers give a bandwidth sample only when their '
          'upload takes over 20 ms and 10x the RTT floor (else per-message delays dominate)',
          0, 10**9),
    Param('probe_interval_s', 0.5, 'probe the link when no transfer was seen for this long',
          0.05, 60.0),
    Param('probe_count', 4, 'probe messages per burst', 2, 100),
    Param('probe_bytes', 20000, 'bytes per probe message at most', 100, 1000000),
    Param('probe_seconds', 0.05, 'a burst is sized to last this long at the estimated rate',
          0.001, 10.0),
    Param('cloud_down_after', 3, 'unanswered probe bursts before the cloud counts as down', 1,
          100),
    Param('violation_window', 100, 'results in the SLA violation ratio', 1, 100000),
)

IMAGE_SOURCE = (
    Param('samples', '', 'npz file with images (n, h, w, 3) uint8 and labels (n,)'),
    Param('rate_hz', 5.0, 'frames per second', 0.01, 1000.0),
    Param('frame_id', 'camera', 'frame_id of the published images'),
    Param('loop', True, 'start again after the last image'),
    Param('count', 0, 'stop after this many frames (0: never)', 0, 10**9),
    Param('wait_for_subscriber', True, 'publish only once a subscriber has matched'),
    Param('wait_for_truth_subscriber', False, 'also wait for a subscriber to the labels (a '
          'recorder scoring every frame)'),
)

TABLES = {'edge_node': EDGE, 'cloud_node': CLOUD, 'monitor_node': MONITOR,
          'image_source_node': IMAGE_SOURCE}


def names(table: Iterable[Param]) -> set[str]:
    """Parameter names of a table."""
    return {p.name for p in table}


def validate(table: Sequence[Param], name: str, value: Any) -> Optional[str]:
    """Reason to refuse ``value`` for ``name``, or None when acceptable (ranges rclpy checks)."""
    spec = {p.name: p for p in table}.get(name)
    if spec is None or not spec.choices:
        return None
    values = value if isinstance(value, (list, tuple)) else [value]
    if isinstance(spec.default, list) and not values:
        return f'{name} must not be empty'
    bad = [v for v in values if v not in spec.choices]
    return f'{name}: {bad} not in {list(spec.choices)}' if bad else None


def declare(node: Any, table: Sequence[Param]) -> dict[str, Any]:
    """Declare every parameter of ``table`` on an rclpy node; return their current values."""
    from rcl_interfaces.msg import FloatingPointRange, IntegerRange, ParameterDescriptor

    for p in table:
        desc = ParameterDescriptor(description=p.description, read_only=p.read_only)
        if p.choices:
            desc.additional_constraints = 'one of: ' + ', '.join(p.choices)
        if p.low is not None and isinstance(p.default, float):
            desc.floating_point_range = [FloatingPointRange(from_value=float(p.low),
                                                            to_value=float(p.high))]
        elif p.low is not None and isinstance(p.default, int) and not isinstance(p.default, bool):
            desc.integer_range = [IntegerRange(from_value=int(p.low), to_value=int(p.high))]
        node.declare_parameter(p.name, p.default, desc)
    return {p.name: node.get_parameter(p.name).value for p in table}
