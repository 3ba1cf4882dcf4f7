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


def domain_of(nodeid: str) -> int:
    """The ROS_DOMAIN_ID of a test: derived from its id, so stable across runs and workers."""
    return 1 + zlib.crc32(nodeid.encode()) % 100


def pytest_collection_modifyitems(items: list) -> None:
    """Refuse to run two DDS tests that would share a domain (they could see each other)."""
    seen: dict[int, str] = {}
    for item in items:
        if 'ros_domain' not in getattr(item, 'fixturenames', ()):
            continue
        domain = domain_of(item.nodeid)
        if domain in seen:
            raise pytest.UsageError(f'{item.nodeid} and {seen[domain]} share ROS_DOMAIN_ID '
                                    f'{domain}: rename one')
        seen[domain] = item.nodeid


@pytest.fixture
def ros_domain(request) -> int:
    """This test's ROS_DOMAIN_ID (distinct across the suite: checked at collection)."""
    return domain_of(request.node.nodeid)


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
