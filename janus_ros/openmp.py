# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""How long torch's OpenMP threads spin before they sleep, in janus_ros's own programs.

After each parallel region libgomp's threads spin 300,000 times (milliseconds) before they
sleep. Within a pass that keeps the thread team hot; after a pass it keeps a core busy doing
nothing while the frame moves on to another process on the same cores: the cloud when robot
and cloud share a host, or the next node of a pipeline on the robot. Measured here
(``bench/openmp_spin.py``), two processes taking turns at half of vit_small (two threads each,
two cores) ran 1.21-1.48x slower than one alone with the default, 1.03-1.05x with 10,000 spins.
"""
from __future__ import annotations

import os

SPIN_COUNT = '10000'


def prefer_short_spin() -> None:
    """Set ``GOMP_SPINCOUNT`` to ``SPIN_COUNT`` unless the environment already sets it.

    libgomp reads it once, when torch is first imported: the node and tool packages call this
    before any of their modules imports torch.
    """
    os.environ.setdefault('GOMP_SPINCOUNT', SPIN_COUNT)
