# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Online calibration: robust to a burst of outliers, sides apart, bounded scale."""
import pytest

from janus_ros.planning.calibration import Calibration, MAX_SCALE


def test_starts_at_the_profile():
    cal = Calibration()
    assert (cal.scale(False), cal.scale(True)) == (1.0, 1.0)
    assert (cal.overhead_s(False), cal.overhead_s(True)) == (0.0, 0.0)


def test_scale_is_bounded_and_sides_are_apart():
    cal = Calibration(window=5)
    cal.add(False, robot_side_s=0.05, predicted_robot_s=0.1, unaccounted_s=0.0)  # faster
    assert cal.scale(False) == 1.0
    for _ in range(5):
        cal.add(False, robot_side_s=100.0, predicted_robot_s=0.1, unaccounted_s=0.004)
    assert cal.scale(False) == MAX_SCALE
    assert cal.overhead_s(False) == pytest.approx(0.004)
    assert (cal.scale(True), cal.overhead_s(True)) == (1.0, 0.0)


def test_frames_stuck_behind_a_collapse_do_not_stick():
    """A few remote frames that waited ~300 ms while the link collapsed leave the remote
    overhead where the typical frames put it (an average kept the plan on the robot)."""
    cal = Calibration(window=15)
    for _ in range(30):
        cal.add(True, 0.01, 0.01, 0.005)
    for _ in range(7):
        cal.add(True, 0.01, 0.01, 0.3)
    assert cal.overhead_s(True) == pytest.approx(0.005)
    assert cal.scale(True) == pytest.approx(1.0)
    for _ in range(8):  # but a lasting change is learned within a window
        cal.add(True, 0.03, 0.01, 0.3)
    assert cal.overhead_s(True) == pytest.approx(0.3)
    assert cal.scale(True) == pytest.approx(3.0)


def test_negative_unaccounted_time_counts_as_zero():
    cal = Calibration()
    cal.add(True, 0.01, 0.01, -0.002)  # clocks and rounding can make it slightly negative
    assert cal.overhead_s(True) == 0.0
