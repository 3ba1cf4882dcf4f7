# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Plain `pip install .` of the pure-Python part (core, planner, simulator, profiler).

Used where no ROS is needed, e.g. to run `janus-profile` on a cloud GPU host. The ROS build
(messages + nodes) is CMakeLists.txt; metadata and entry points are in setup.cfg, the version
in package.xml, so each fact has one home.
"""
import re
from pathlib import Path

from setuptools import setup

_xml = (Path(__file__).parent / 'package.xml').read_text()
setup(version=re.search(r'<version>([^<]+)</version>', _xml).group(1))
