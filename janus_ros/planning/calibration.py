# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Online calibration of the robot side against its profile.

It learns how much slower the robot runs than profiled, and the per-frame time no profile
accounts for (threads, conversions, middleware).

Robot-only and remote plans are calibrated apart, each only from frames it served, so leaving
one does not make it look faster again (which made plans oscillate), and queueing behind a
slow robot does not make the cloud look slow. Each figure is the median of the last samples:
a few frames that waited behind the robot's fallbacks while the link collapsed must not leave
the remote plans looking slow once the link is back (an average kept them on the robot).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

MAX_SCALE = 20.0


@dataclass
class SideCalibration:
    """Recent samples of one kind of plan (robot-only or remote)."""

    window: int = 15
    scales: deque = field(init=False)
    spares: deque = field(init=False)

    def __post_init__(self) -> None:
        self.scales = deque(maxlen=self.window)
        self.spares = deque(maxlen=self.window)

    def add(self, scale: Optional[float], spare_s: float) -> None:
        """Record one frame: robot-side slowdown (None if unknown) and unaccounted time."""
        if scale is not None:
            self.scales.append(scale)
        self.spares.append(spare_s)

    @property
    def scale(self) -> float:
        """Median slowdown vs the profile (1.0 before any sample)."""
        return float(np.median(self.scales)) if self.scales else 1.0

    @property
    def overhead_s(self) -> float:
        """Median unaccounted time per frame (0 before any sample)."""
        return float(np.median(self.spares)) if self.spares else 0.0


class Calibration:
    """Robot-only and remote calibrations, fed from answered frames."""

    def __init__(self, window: int = 15) -> None:
        self.sides = {False: SideCalibration(window), True: SideCalibration(window)}

    def add(self, remote: bool, robot_side_s: float, predicted_robot_s: float,
            unaccounted_s: float) -> None:
        """Learn from one frame served by a robot-only (remote=False) or remote plan.

        The profile times the model alone: the running node can only add to it, so the scale
        never goes below 1 (a robot profiled slower than it runs stays as profiled).
        """
        scale = None
        if predicted_robot_s > 0 and robot_side_s > 0:
            scale = min(MAX_SCALE, max(1.0, robot_side_s / predicted_robot_s))
        self.sides[remote].add(scale, max(0.0, unaccounted_s))

    def scale(self, remote: bool) -> float:
        """Robot-side slowdown for this kind of plan."""
        return self.sides[remote].scale

    def overhead_s(self, remote: bool) -> float:
        """Unaccounted per-frame time for this kind of plan."""
        return self.sides[remote].overhead_s
