# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Image source node: streams labelled sample images as a camera would.

Publishes ``image`` (sensor_msgs/Image rgb8) at ``rate_hz`` and, for scoring, the true class of
each frame on ``janus/ground_truth`` (ClassificationResult with the same header, source
'ground_truth').
"""
from __future__ import annotations

import numpy as np
from rclpy.node import Node
from sensor_msgs.msg import Image

from janus_ros.msg import ClassificationResult
from janus_ros.nodes import ros_io as io
from janus_ros.nodes.common import declare_with_validation, run
from janus_ros.nodes.params import IMAGE_SOURCE


def load_samples(path: str) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, h, w, 3) uint8 and labels (n,) from an npz (no pickle allowed)."""
    with np.load(path, allow_pickle=False) as data:
        images, labels = data['images'], data['labels']
    if images.ndim != 4 or images.shape[-1] != 3 or images.dtype != np.uint8:
        raise ValueError(f'{path}: images must be (n, h, w, 3) uint8, got {images.shape}')
    return images, labels.astype(np.int64)


class ImageSourceNode(Node):
    """Publishes sample images at a fixed rate with their labels."""

    def __init__(self) -> None:
        super().__init__('image_source_node')
        self.p = declare_with_validation(self, IMAGE_SOURCE)
        if not self.p['samples']:
            raise SystemExit('image_source_node needs the samples parameter (an npz file)')
        self.images, self.labels = load_samples(self.p['samples'])
        self.index = 0
        self.sent = 0
        self.pub = self.create_publisher(Image, io.IMAGE, io.SENSOR_QOS)
        self.pub_truth = self.create_publisher(ClassificationResult, io.GROUND_TRUTH,
                                               io.RESULT_QOS)
        self.timer = self.create_timer(1.0 / self.p['rate_hz'], self.publish_next)

    def publish_next(self) -> None:
        """Publish one frame and its label."""
        if (self.p['wait_for_subscriber'] and self.pub.get_subscription_count() == 0) or (
                self.p['wait_for_truth_subscriber']
                and self.pub_truth.get_subscription_count() == 0):
            return  # nobody listens yet (discovery): a frame now would be lost uncounted
        count = self.p['count']
        if (count and self.sent >= count) or (self.index >= len(self.images)
                                              and not self.p['loop']):
            self.timer.cancel()
            return
        i = self.index % len(self.images)
        msg = io.rgb_to_image(self.images[i])
        msg.header.stamp = self.get_clock().now().to_msg()
        msg.header.frame_id = self.p['frame_id']
        self.pub.publish(msg)
        self.pub_truth.publish(ClassificationResult(header=msg.header, seq=self.sent + 1,
                                                    class_id=int(self.labels[i]),
                                                    source='ground_truth'))
        self.index += 1
        self.sent += 1


def main() -> int:
    """Entry point: ``image_source_node --ros-args ...``."""
    return run(ImageSourceNode)
