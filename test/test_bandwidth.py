# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Bandwidth and RTT estimators on synthetic series."""
import math

import pytest

from janus_ros.planning.bandwidth import RttEstimator, ThroughputEstimator


def test_harmonic_mean_of_the_window():
    est = ThroughputEstimator('harmonic', window=3, prior_bps=1.0)
    for t, v in enumerate([100.0, 10.0, 20.0, 40.0]):  # 100 falls out of the window of 3
        est.add(v, t)
    e = est.estimate(3.5)
    assert e.bps == pytest.approx(3 / (1 / 10 + 1 / 20 + 1 / 40))
    assert (e.samples, e.method) == (3, 'harmonic')
    assert e.newest_age_s == pytest.approx(0.5)


def test_harmonic_resists_one_lucky_burst():
    est = ThroughputEstimator('harmonic', window=5)
    for t, v in enumerate([10e6] * 4 + [1e9]):
        est.add(v, t)
    assert est.estimate(5).bps < 12.5e6


def test_ewma_reacts_to_a_step():
    est = ThroughputEstimator('ewma', window=10, ewma_weight=0.5)
    for t, v in enumerate([10.0] * 5 + [2.0] * 3):
        est.add(v, t)
    assert est.estimate(8).bps == pytest.approx(2 + 8 / 8)  # 10 -> 6 -> 4 -> 3


def test_percentile_is_conservative():
    est = ThroughputEstimator('percentile', window=10, percentile=10)
    for t, v in enumerate(range(1, 11)):
        est.add(float(v), t)
    assert est.estimate(10).bps == pytest.approx(1.9)


def test_prior_until_the_first_sample_then_the_last_estimate_is_held():
    est = ThroughputEstimator('harmonic', max_age_s=2.0, prior_bps=7.0)
    e = est.estimate(0)
    assert (e.bps, e.samples, e.method) == (7.0, 0, 'prior')
    est.add(50.0, 0.0)
    assert est.estimate(1.0).bps == 50.0
    e = est.estimate(3.0)                      # aged out: hold 50, not the prior 7
    assert (e.bps, e.samples, e.method) == (50.0, 0, 'held')
    assert e.newest_age_s == pytest.approx(3.0)
    est.add(5.0, 4.0)
    assert est.estimate(4.0).bps == 5.0


def test_bad_samples_and_settings():
    est = ThroughputEstimator()
    est.add(math.nan, 0)
    est.add(-1.0, 0)
    assert est.estimate(0).samples == 0
    est.add(0.0, 1)
    assert est.estimate(1).bps == 0.0  # a dead link reads as zero, not as an error
    with pytest.raises(ValueError):
        ThroughputEstimator('median')
    with pytest.raises(ValueError):
        ThroughputEstimator(window=0)


def test_rtt_ewma():
    rtt = RttEstimator(prior_s=0.1, weight=0.5)
    assert rtt.rtt_s == 0.1
    rtt.add(0.02)
    assert rtt.rtt_s == 0.02  # the first sample replaces the prior
    rtt.add(0.04)
    assert rtt.rtt_s == pytest.approx(0.03)
    assert rtt.min_s == 0.02


def test_level_shift_forgets_the_outage():
    plain = ThroughputEstimator('harmonic', window=5)
    shifty = ThroughputEstimator('harmonic', window=5, shift_factor=2.0)
    series = [1e6] * 5 + [40e6] * 2
    for t, v in enumerate(series):
        plain.add(v, t)
        shifty.add(v, t)
    assert plain.estimate(7).bps < 3e6          # 3 stale outage samples still dominate
    assert shifty.estimate(7).bps == pytest.approx(40e6)
    assert shifty.estimate(7).samples == 2
    shifty.add(41e6, 8)                          # within the factor: no further reset
    assert shifty.estimate(8).samples == 3
