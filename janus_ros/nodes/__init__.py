# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
from janus_ros.openmp import prefer_short_spin

prefer_short_spin()  # before any module of this package imports torch (see janus_ros.openmp)
