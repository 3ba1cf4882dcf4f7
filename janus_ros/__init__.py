# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""janus_ros: collaborative ViT inference between a robot and the cloud (Janus, INFOCOM 2025).

Layout: ``core`` (model split, token merging, codecs), ``planning`` (profiles, bandwidth
estimation, planner), ``evaluation`` (trace-driven simulation), ``nodes`` (the rclpy glue),
``tools`` (command-line programs). Only ``nodes`` imports rclpy.
"""
