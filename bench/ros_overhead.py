# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: per-frame overhead of the ROS pipeline, vit_small at 224, robot and cloud on
this host (edge and cloud nodes as separate processes, real DDS).

Overhead = end-to-end latency - the compute and transfer the profile predicts for the plan
(transfer over loopback taken as free, so all of it counts as overhead). Target: median <= 5 ms.
Also printed: the time outside the compute the nodes measured themselves (pre-processing,
model, encoding): DDS both ways, validation, decoding, queueing and thread hand-overs.
    python bench/ros_overhead.py --profile config/profiles/<host>__vit_small_patch16_224.yaml
With ``--pin`` the edge runs on CPU 0 and the cloud on CPU 1, one torch thread each, as two
machines would (give it a profile measured the same way: ``taskset -c 1 janus-profile
--threads 1``); without it both share every core, and each side's compute is slowed by the
other's threads and by waking its own thread team after the other side's turn.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import rclpy
from rclpy.node import Node
from sensor_msgs.msg import Image
from skimage import data

from janus_ros.core import schedule as S
from janus_ros.msg import ClassificationResult, JanusPlan
from janus_ros.nodes import ros_io as io
from janus_ros.planning.planner import CLOUD, Option, Planner, PlannerConfig, ROBOT, SPLIT
from janus_ros.planning.profile import DeviceProfile

MODEL = 'vit_small_patch16_224'
PLANS = ((ROBOT, 13, 0.0, 'fp32'), (CLOUD, 0, 0.2, 'jpeg90'), (SPLIT, 6, 0.2, 'int8'),
         (SPLIT, 3, 0.3, 'fp16'))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--profile', type=Path, required=True)
    ap.add_argument('--frames', type=int, default=40)
    ap.add_argument('--pin', action='store_true',
                    help='edge on CPU 0, cloud on CPU 1, one torch thread each')
    ap.add_argument('--debug-image', action='store_true',
                    help='also draw and publish the debug image (off: the pipeline alone)')
    args = ap.parse_args()
    prof = DeviceProfile.load(args.profile)
    planner = Planner(prof, prof, PlannerConfig(image_codecs=('jpeg90',)))
    env = dict(os.environ, ROS_DOMAIN_ID='61', ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST')
    lib = Path(sys.prefix) / 'lib' / 'janus_ros'
    params = ['-p', f'model.name:={MODEL}', '-p', 'model.seed:=0',
              '-p', f'debug_image:={str(args.debug_image).lower()}']
    cpus = {'edge_node': {0}, 'cloud_node': {1}} if args.pin else {}
    if args.pin:
        params += ['-p', 'threads:=1']
        os.sched_setaffinity(0, {0})  # this process sends frames as the robot's camera
    procs = [subprocess.Popen([str(lib / exe), '--ros-args', '--log-level', 'warn', *params],
                              env=env, preexec_fn=(lambda c=cpus.get(exe): c and
                                                   os.sched_setaffinity(0, c)))
             for exe in ('edge_node', 'cloud_node')]
    os.environ.update(env)
    rclpy.init()
    node = Node('bench_overhead')
    results: list[ClassificationResult] = []
    node.create_subscription(ClassificationResult, io.RESULT, results.append, io.RESULT_QOS)
    img_pub = node.create_publisher(Image, io.IMAGE, io.SENSOR_QOS)
    plan_pub = node.create_publisher(JanusPlan, io.PLAN, io.PLAN_QOS)
    try:
        end = time.monotonic() + 120
        while (img_pub.get_subscription_count() < 1 or plan_pub.get_subscription_count() < 1) \
                and time.monotonic() < end:
            rclpy.spin_once(node, timeout_sec=0.1)
        frame = io.rgb_to_image(np.ascontiguousarray(data.astronaut()))
        layout = ('edge on CPU 0, cloud on CPU 1, one torch thread each' if args.pin
                  else 'both sharing every core, torch threads as profiled')
        print(f'{MODEL}, 512x512 camera frame, edge and cloud on one host ({layout}), '
              f'debug image {"on" if args.debug_image else "off"}')
        all_over, all_outside = [], []
        for pid, (mode, split, alpha, codec) in enumerate(PLANS, start=1):
            sched = S.janus_schedule(alpha, prof.depth, prof.tokens0)
            opt = Option(mode, split, alpha, codec, sched)
            predicted = planner.cost(opt).fixed_s
            plan_pub.publish(JanusPlan(plan_id=pid, mode=mode, split_layer=split, alpha=alpha,
                                       merge_schedule=list(sched), codec=codec,
                                       compression='none'))
            over, outside = [], []
            for _ in range(args.frames):
                n = len(results)
                frame.header.stamp = node.get_clock().now().to_msg()
                img_pub.publish(frame)
                t_end = time.monotonic() + 30
                while len(results) == n and time.monotonic() < t_end:
                    rclpy.spin_once(node, timeout_sec=0.01)
                if len(results) > n and results[-1].plan_id == pid:
                    r = results[-1]
                    over.append(r.end_to_end_s - predicted)
                    outside.append(r.end_to_end_s - r.preprocess_s - r.robot_compute_s
                                   - r.encode_s - r.cloud_compute_s)
            over_ms = np.array(over[3:]) * 1e3  # the first frames warm up the new path
            outside_ms = np.array(outside[3:]) * 1e3
            all_over += list(over_ms)
            all_outside += list(outside_ms)
            print(f'{opt.describe():34s} predicted {predicted * 1e3:6.1f} ms  overhead median '
                  f'{np.median(over_ms):6.2f} ms  p99 {np.percentile(over_ms, 99):6.2f} ms  '
                  f'(outside the measured compute: median {np.median(outside_ms):5.2f} ms)',
                  flush=True)
        med = float(np.median(all_over))
        print(f'all plans: overhead median {med:.2f} ms, p99 {np.percentile(all_over, 99):.2f} '
              f'ms (target median <= 5 ms: {"met" if med <= 5 else "MISSED"}); outside the '
              f'compute the nodes measured: median {np.median(all_outside):.2f} ms, p99 '
              f'{np.percentile(all_outside, 99):.2f} ms')
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        rclpy.shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
