# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Shared fixtures: small real timm models (random weights, no hub) and per-test DDS domains."""
from __future__ import annotations

import os
import zlib

import pytest

from janus_ros.core.engine import JanusEngine
from janus_ros.core.models import ModelSpec

# Tests run in parallel (pytest-xdist); each test gets its own ROS domain so that no two tests
# ever see each other's topics. 1..101 is the range every DDS vendor accepts.


@pytest.fixture
def ros_domain(request) -> int:
    """A ROS_DOMAIN_ID derived from the test's id, stable and distinct across the suite."""
    return 1 + zlib.crc32(request.node.nodeid.encode()) % 100


@pytest.fixture
def ros_env(ros_domain) -> dict[str, str]:
    """Environment for node subprocesses: own domain, host-only discovery, the venv's ROS."""
    env = dict(os.environ)
    env['ROS_DOMAIN_ID'] = str(ros_domain)
    env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
    env['PYTHONUNBUFFERED'] = '1'
    return env


@pytest.fixture(scope='session')
def tiny_engine() -> JanusEngine:
    """deit_tiny_patch16_224 with seeded random weights."""
    return JanusEngine(ModelSpec('deit_tiny_patch16_224', seed=1))


@pytest.fixture(scope='session')
def small_engine() -> JanusEngine:
    """vit_small_patch16_224 with seeded random weights."""
    return JanusEngine(ModelSpec('vit_small_patch16_224', seed=2))
