# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""JanusPlan messages <-> the plan the edge node executes, validated against the model."""
from __future__ import annotations

from dataclasses import dataclass

from janus_ros.core import schedule as S
from janus_ros.core.compression import COMPRESSORS
from janus_ros.core.image_codec import check_image_codec
from janus_ros.core.wire_codec import DTYPES
from janus_ros.msg import JanusPlan
from janus_ros.planning.planner import CLOUD, Decision, ROBOT, SPLIT


def describe(mode: str, split: int, alpha: float, codec: str, compression: str) -> str:
    """One text for a plan, whether it is a message or the one being executed."""
    if mode == ROBOT:
        return f'robot-only alpha={alpha:.2f}'
    if mode == CLOUD:
        return f'cloud-only {codec} alpha={alpha:.2f}'
    return f'split s={split} alpha={alpha:.2f} {codec}+{compression}'


class PlanError(ValueError):
    """A plan this model cannot execute."""


@dataclass(frozen=True)
class ActivePlan:
    """What the edge node does with the next frame."""

    plan_id: int
    mode: str
    split: int
    alpha: float
    schedule: tuple[int, ...]
    codec: str
    compression: str

    def describe(self) -> str:
        """Text for results and logs."""
        return describe(self.mode, self.split, self.alpha, self.codec, self.compression)

    def robot_only(self) -> 'ActivePlan':
        """Keep the merging, run everything on the robot (the cloud did not answer)."""
        return ActivePlan(self.plan_id, ROBOT, len(self.schedule) + 1, self.alpha,
                          self.schedule, 'fp32', 'none')


def default_plan(depth: int) -> ActivePlan:
    """Before any plan arrives: robot-only, no merging (always answers)."""
    return ActivePlan(0, ROBOT, depth + 1, 0.0, (0,) * depth, 'fp32', 'none')


def from_msg(msg: JanusPlan, depth: int, tokens0: int) -> ActivePlan:
    """Validate a JanusPlan for a model of ``depth`` blocks and ``tokens0`` tokens."""
    schedule = tuple(int(r) for r in msg.merge_schedule) or \
        S.janus_schedule(float(msg.alpha), depth, tokens0)
    if len(schedule) != depth or S.capped(schedule, tokens0) != schedule:
        raise PlanError(f'merge schedule {schedule} does not fit {depth} blocks / '
                        f'{tokens0} tokens')
    mode, split, codec = msg.mode, int(msg.split_layer), msg.codec
    if mode == SPLIT:
        if not 1 <= split <= depth:
            raise PlanError(f'split {split} outside 1..{depth}')
        if codec not in DTYPES:
            raise PlanError(f'unknown wire codec {codec!r}')
    elif mode == CLOUD:
        split = 0
        try:
            check_image_codec(codec)
        except ValueError as exc:
            raise PlanError(str(exc)) from None
    elif mode == ROBOT:
        split = depth + 1
    else:
        raise PlanError(f'unknown plan mode {mode!r}')
    compression = msg.compression or 'none'
    if compression not in COMPRESSORS:
        raise PlanError(f'unknown compression {compression!r}')
    return ActivePlan(int(msg.plan_id), mode, split, float(msg.alpha), schedule, codec,
                      compression)


def to_msg(decision: Decision, plan_id: int, compression: str, planner_mode: str,
           bandwidth_bps: float, rtt_s: float, sla_s: float) -> JanusPlan:
    """Convert a planner decision to a JanusPlan message (header left to the caller)."""
    opt = decision.option
    return JanusPlan(plan_id=plan_id, mode=opt.mode, split_layer=opt.split, alpha=opt.alpha,
                     merge_schedule=list(opt.schedule), codec=opt.codec,
                     compression=compression if opt.mode == SPLIT else 'none',
                     predicted_latency_s=decision.latency_s,
                     predicted_accuracy=decision.accuracy,
                     accuracy_measured=decision.accuracy_measured,
                     bandwidth_bps=bandwidth_bps, rtt_s=rtt_s, sla_s=sla_s,
                     planner_mode=planner_mode, reason=decision.reason)


def plan_text(msg: JanusPlan) -> str:
    """Short description of a JanusPlan message, as ActivePlan.describe gives for executed ones."""
    return describe(msg.mode, msg.split_layer, msg.alpha, msg.codec, msg.compression)
