# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""janus_ros: collaborative ViT inference between a robot and the cloud (Janus, INFOCOM 2025).

Layout: ``core`` (model split, token merging, codecs), ``planning`` (profiles, bandwidth
estimation, planner), ``evaluation`` (trace-driven simulation), ``nodes`` (the rclpy glue),
``tools`` (command-line programs). Only ``nodes`` imports rclpy.
"""
from pkgutil import extend_path

# The generated message module (janus_ros.msg) is installed next to this package by CMake; when
# this source tree is imported first (development), still find it there.
__path__ = extend_path(__path__, __name__)
