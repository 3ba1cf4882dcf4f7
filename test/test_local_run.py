# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""run_locally: every kind of plan gives the model's own answer, through the wire's codecs."""
import numpy as np
import pytest
import torch

from janus_ros.core import schedule as S
from janus_ros.core.local_run import run_locally


@pytest.fixture(scope='module')
def crops(tiny_engine):
    rng = np.random.default_rng(3)
    return [rng.integers(0, 256, (224, 224, 3), dtype=np.uint8) for _ in range(2)]


def test_lossless_plans_equal_the_unsplit_model(tiny_engine, crops):
    sched = S.janus_schedule(0.3, tiny_engine.depth, tiny_engine.tokens0)
    whole = tiny_engine.whole(crops, sched)
    for split, codec in ((0, 'raw'), (0, 'png'), (tiny_engine.depth + 1, 'fp32'), (4, 'fp32')):
        torch.testing.assert_close(run_locally(tiny_engine, crops, split, sched, codec), whole,
                                   rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(run_locally(tiny_engine, crops, 4, sched, 'fp32', 'zstd'), whole,
                               rtol=1e-5, atol=1e-5)


def test_lossy_codecs_change_the_logits_a_little(tiny_engine, crops):
    sched = S.janus_schedule(0.3, tiny_engine.depth, tiny_engine.tokens0)
    whole = tiny_engine.whole(crops, sched)
    for split, codec in ((4, 'int8'), (4, 'fp16'), (0, 'jpeg90')):
        got = run_locally(tiny_engine, crops, split, sched, codec)
        gap = float((got - whole).abs().max())
        assert 0 < gap < 0.5 * float(whole.abs().max()), (split, codec, gap)
