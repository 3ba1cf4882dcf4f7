# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Schedules and split candidates against the paper's worked examples and hand computation."""
import pytest

from janus_ros.core import schedule as S


def test_split_candidates_match_the_paper():
    assert S.split_candidates(24, 5) == (0, 1, 2, 3, 4, 5, 7, 9, 11, 13, 15, 18, 21, 24, 25)
    assert S.split_candidates(12, 3) == (0, 1, 2, 3, 5, 7, 9, 12, 13)


def test_eq1_by_hand():
    # N = 4, alpha = 1: floor(2^3), floor(2^2), floor(2^1), floor(2^0)
    assert S.janus_reduction(1.0, 4) == (8, 4, 2, 1)
    assert S.janus_reduction(0.0, 4) == (0, 0, 0, 0)
    with pytest.raises(ValueError):
        S.janus_reduction(-0.1, 4)


def test_alpha_max_for_paper_models():
    # Eq. 1 exponent (see schedule.py): paper quotes ~0.28 (ViT-L@384) and ~0.49 (ViT-B@224).
    assert S.alpha_max(24, 577) == pytest.approx(0.29)
    assert S.alpha_max(12, 197) == pytest.approx(0.54)
    assert sum(S.janus_reduction(S.alpha_max(24, 577), 24)) <= 576
    assert sum(S.janus_reduction(S.alpha_max(24, 577) + 0.01, 24)) > 576


def test_alpha_grid_steps_by_001():
    grid = S.alpha_grid(24, 577)
    assert grid[0] == 0 and grid[-1] == pytest.approx(0.29) and len(grid) == 30


def test_caps_at_half_of_the_tokens():
    # 9 tokens: A = 5 (CLS + 4), so at most 4 merge; then 5 tokens -> 2; then 3 -> 1.
    assert S.capped((10, 10, 10), 9) == (4, 2, 1)
    assert S.token_counts((4, 2, 1), 9) == (9, 5, 3, 2)


def test_constant_r_and_its_maximum():
    assert S.max_constant_r(24, 577) == 23
    assert S.constant_schedule(23, 24, 577) == (23,) * 24
    assert S.token_counts(S.constant_schedule(13, 12, 197), 197)[-1] == 197 - 13 * 12


def test_schedule_never_goes_below_one_token():
    for alpha in S.alpha_grid(12, 197):
        counts = S.token_counts(S.janus_schedule(alpha, 12, 197), 197)
        assert min(counts) >= 1 and list(counts) == sorted(counts, reverse=True)
