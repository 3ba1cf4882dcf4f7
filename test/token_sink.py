# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Separate process for the DDS test: prints 'seq sha256 length' for each TokenFeatures."""
import hashlib
import sys

import rclpy
from rclpy.node import Node

from janus_ros.msg import TokenFeatures
from janus_ros.nodes.ros_io import request_qos


def main() -> None:
    expected = int(sys.argv[1])
    rclpy.init()
    node = Node('token_sink')
    seen = []

    def on_msg(msg: TokenFeatures) -> None:
        data = bytes(msg.data)
        print(msg.info.seq, hashlib.sha256(data).hexdigest(), len(data), flush=True)
        seen.append(msg.info.seq)

    node.create_subscription(TokenFeatures, 'janus/tokens', on_msg, request_qos(True))
    print('ready', flush=True)
    while rclpy.ok() and len(seen) < expected:
        rclpy.spin_once(node, timeout_sec=0.1)
    rclpy.shutdown()


if __name__ == '__main__':
    main()
