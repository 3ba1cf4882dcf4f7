# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: a 3 MB TokenFeatures stream, best effort, 30 Hz, between two processes.

Runs twice in one go: with config/fastdds_shm.xml (janus_ros's profile) and with Fast DDS's
defaults as the baseline; prints loss and one-way latency (median, p99) for each.
    python bench/dds_stream.py [--seconds 30] [--hz 30] [--mbytes 3]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def publisher(seconds: float, hz: float, nbytes: int) -> None:
    import rclpy
    from rclpy.node import Node
    from janus_ros.msg import FrameInfo, TokenFeatures
    from janus_ros.nodes.ros_io import TOKENS, request_qos, wall_time_msg
    rclpy.init()
    node = Node('bench_pub')
    pub = node.create_publisher(TokenFeatures, TOKENS, request_qos(False, depth=5))
    end = time.monotonic() + 30
    while pub.get_subscription_count() < 1 and time.monotonic() < end:
        rclpy.spin_once(node, timeout_sec=0.05)
    time.sleep(1.0)
    payload = np.random.default_rng(0).integers(0, 255, nbytes, dtype=np.uint8).tobytes()
    n = int(seconds * hz)
    t0 = time.monotonic()
    for i in range(n):
        msg = TokenFeatures(info=FrameInfo(seq=i + 1), data=payload)
        msg.info.send_time = wall_time_msg()
        pub.publish(msg)
        time.sleep(max(0.0, t0 + (i + 1) / hz - time.monotonic()))
    print(json.dumps({'sent': n}), flush=True)
    time.sleep(1.0)
    rclpy.shutdown()


def subscriber(expected: int, timeout: float) -> None:
    import rclpy
    from rclpy.node import Node
    from janus_ros.msg import TokenFeatures
    from janus_ros.nodes.ros_io import TOKENS, request_qos
    rclpy.init()
    node = Node('bench_sub')
    lat, seqs = [], set()

    def on_msg(msg: TokenFeatures) -> None:
        sent = msg.info.send_time.sec + msg.info.send_time.nanosec * 1e-9
        lat.append(time.time() - sent)
        seqs.add(msg.info.seq)
    node.create_subscription(TokenFeatures, TOKENS, on_msg, request_qos(False, depth=5))
    end = time.monotonic() + timeout
    while time.monotonic() < end and len(seqs) < expected:
        rclpy.spin_once(node, timeout_sec=0.1)
    print(json.dumps({'received': len(seqs), 'latency': lat}), flush=True)
    rclpy.shutdown()


def run_pair(label: str, env: dict, seconds: float, hz: float, nbytes: int) -> dict:
    me = [sys.executable, __file__]
    n = int(seconds * hz)
    sub = subprocess.Popen(me + ['--role', 'sub', '--expected', str(n),
                                 '--seconds', str(seconds)], env=env, stdout=subprocess.PIPE,
                           text=True)
    pub = subprocess.Popen(me + ['--role', 'pub', '--seconds', str(seconds), '--hz', str(hz),
                                 '--bytes', str(nbytes)], env=env, stdout=subprocess.PIPE,
                           text=True)
    sent = json.loads(pub.communicate(timeout=seconds + 120)[0].strip().splitlines()[-1])['sent']
    got = json.loads(sub.communicate(timeout=seconds + 120)[0].strip().splitlines()[-1])
    lat = np.array(got['latency']) * 1e3
    row = dict(config=label, sent=sent, received=got['received'],
               loss_pct=100.0 * (sent - got['received']) / sent,
               median_ms=float(np.median(lat)) if lat.size else float('nan'),
               p99_ms=float(np.percentile(lat, 99)) if lat.size else float('nan'))
    print(f"{label:28s} sent {sent:5d} received {row['received']:5d} loss "
          f"{row['loss_pct']:5.1f} %  one-way median {row['median_ms']:7.2f} ms  "
          f"p99 {row['p99_ms']:7.2f} ms", flush=True)
    return row


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--role', choices=('pub', 'sub', 'both'), default='both')
    ap.add_argument('--seconds', type=float, default=30.0)
    ap.add_argument('--hz', type=float, default=30.0)
    ap.add_argument('--mbytes', type=float, default=3.0)
    ap.add_argument('--bytes', type=int, default=0)
    ap.add_argument('--expected', type=int, default=0)
    args = ap.parse_args()
    nbytes = args.bytes or int(args.mbytes * 1e6)
    if args.role == 'pub':
        publisher(args.seconds, args.hz, nbytes)
        return 0
    if args.role == 'sub':
        subscriber(args.expected, args.seconds + 60)
        return 0
    env = dict(os.environ, ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST',
               ROS_DOMAIN_ID=os.environ.get('ROS_DOMAIN_ID', '42'))
    profile = ROOT / 'config' / 'fastdds_shm.xml'
    print(f'{nbytes / 1e6:.1f} MB TokenFeatures, best effort, {args.hz:g} Hz, {args.seconds:g} s')
    ours = run_pair('janus_ros fastdds_shm.xml', dict(env, FASTDDS_DEFAULT_PROFILES_FILE=str(
        profile)), args.seconds, args.hz, nbytes)
    base_env = {k: v for k, v in env.items() if k != 'FASTDDS_DEFAULT_PROFILES_FILE'}
    base = run_pair('Fast DDS defaults (baseline)', base_env, args.seconds, args.hz, nbytes)
    print(f"delivered: {ours['received'] / max(1, base['received']):.1f}x the baseline; "
          f"target zero loss: {'met' if ours['loss_pct'] == 0 else 'MISSED'}")
    return 0


if __name__ == '__main__':
    sys.exit(main())
