# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: per-frame overhead of the ROS pipeline, vit_small at 224, robot and cloud on
this host (edge and cloud nodes as separate processes, real DDS).

Overhead = end-to-end latency - the compute and transfer the profile predicts for the plan
(transfer over loopback taken as free, so all of it counts as overhead). Target: median <= 5 ms.
This VM's speed drifts by 10-25 % within a minute, more than the target, so the profiles are
measured in the run, between the frames: after each answer this process takes one sample of
the block profile (``block_times_in_sequence``, the profiler's own measurement) with the nodes'
threads, on the robot's and the cloud's cores in turn, and fits the two profiles at the end
(``--profile`` uses one file for both instead); the plans take turns every few frames, so each
plan's frames and the samples spread over the same minutes. After each answer it also runs the
same plan once without ROS (``run_locally``): a second baseline, of the same moment. The time
outside the compute the nodes measured themselves (image conversion, DDS both ways, validation
and decoding, hand-overs) is printed too.
    python bench/ros_overhead.py [--layout shared|pinned|both]
Layouts: ``shared``, both processes on both cores with two torch threads each, so each side's
compute competes with the other's threads; ``pinned``, edge on CPU 0 and cloud on CPU 1 with one
thread each, as two machines would run.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

import janus_ros.nodes  # noqa: F401  (sets torch's OpenMP spin as in the nodes, before torch)
import numpy as np
import rclpy
import torch
from rclpy.node import Node
from sensor_msgs.msg import Image
from skimage import data

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.local_run import run_locally
from janus_ros.core.models import ModelSpec
from janus_ros.msg import ClassificationResult, JanusPlan
from janus_ros.nodes import ros_io as io
from janus_ros.planning.planner import CLOUD, Option, Planner, PlannerConfig, ROBOT, SPLIT
from janus_ros.planning.profile import DeviceProfile
from janus_ros.planning.profiler import PASS_KINDS, block_times_in_sequence, counts_to_sample, \
    profile_from_samples

MODEL = 'vit_small_patch16_224'
PLANS = ((ROBOT, 13, 0.0, 'fp32'), (CLOUD, 0, 0.2, 'jpeg90'), (SPLIT, 6, 0.2, 'int8'),
         (SPLIT, 3, 0.3, 'fp16'))
LAYOUTS = {  # torch threads, cores of the edge, of the cloud, of this process (the camera)
    'shared': (0, None, None, None),
    'pinned': (1, {0}, {1}, {0}),
}
LIB = Path(sys.prefix) / 'lib' / 'janus_ros'
WARM_UP = 10  # frames per plan not counted: the first passes of a new path run slow
PER_TURN = 5  # frames a plan runs before the next one takes its turn
MEASURES = (('profile', "end-to-end - profile prediction (the issue's measure)"),
            ('no-ROS', 'end-to-end - the same plan run without ROS right after'),
            ('outside', 'end-to-end - the compute the nodes measured'))


@contextmanager
def on_cores(cores: set[int]) -> Iterator[None]:
    """Run the calling thread on ``cores`` for the duration, then where it ran before."""
    own = os.sched_getaffinity(0)
    os.sched_setaffinity(0, cores)
    try:
        yield
    finally:
        os.sched_setaffinity(0, own)


class LocalWork:
    """What this process computes between frames: profile samples and the no-ROS runs.

    Samples alternate between the robot's cores and the cloud's (the same cores when shared):
    pinned, they give a robot profile and a cloud profile, each of its own core, as two
    machines would be profiled.
    """

    def __init__(self) -> None:
        self.engine = JanusEngine(ModelSpec(MODEL, weights='random', seed=0))
        self.rgb = np.ascontiguousarray(data.astronaut())
        self.xs = counts_to_sample(self.engine.tokens0, 12)
        self.cores: dict[str, set[int]] = {}
        self.samples: dict[str, dict[int, list[dict[str, np.ndarray]]]] = {}
        self.taken = 0

    def start_layout(self, threads: int, robot_cores: set[int], cloud_cores: set[int]) -> None:
        """Use the layout's threads and cores; forget the previous layout's samples."""
        torch.set_num_threads(threads or os.cpu_count() or 1)
        self.cores = {'robot': robot_cores, 'cloud': cloud_cores}
        self.samples = {side: {int(x): [] for x in self.xs} for side in self.cores}
        self.taken = 0

    def no_ros(self, split: int, schedule: tuple[int, ...], codec: str) -> float:
        """Seconds to run the plan here, from the camera frame to the top classes."""
        e = self.engine
        t0 = time.monotonic()
        e.predict(run_locally(e, [e.pre.crop(self.rgb)], split, schedule, codec))
        return time.monotonic() - t0

    def profile_step(self) -> None:
        """Take one sample of the block profile: next token count, sides in turn."""
        side = ('robot', 'cloud')[self.taken % 2]
        x = int(self.xs[(self.taken // 2) % len(self.xs)])
        with on_cores(self.cores[side]):
            self.samples[side][x].append(block_times_in_sequence(self.engine.vit, x, repeats=1))
        self.taken += 1

    def profile(self, side: str) -> DeviceProfile:
        """Fit one side's profile to its samples (median per count and block), on its cores."""
        samples = self.samples[side]
        xs = np.array([x for x, got in samples.items() if got])
        times = {kind: np.array([np.median([s[kind] for s in samples[int(x)]], axis=0)
                                 for x in xs]) for kind in PASS_KINDS}
        with on_cores(self.cores[side]):
            return profile_from_samples(self.engine, xs, times, device=f'this-run-{side}')


def start(exe: str, args: list[str], env: dict, cpus: Optional[set[int]]) -> subprocess.Popen:
    """Start one of the package's executables, on ``cpus`` when given."""
    return subprocess.Popen([str(LIB / exe), *args], env=env,
                            preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)


def wait_for_nodes(node: Node, pubs: list, seconds: float = 120.0) -> None:
    """Spin until every publisher has a subscriber (the nodes are up and discovered)."""
    end = time.monotonic() + seconds
    while any(p.get_subscription_count() < 1 for p in pubs):
        if time.monotonic() > end:
            raise RuntimeError('edge and cloud nodes did not come up')
        rclpy.spin_once(node, timeout_sec=0.1)


def stream(node: Node, layout: str, frames: int, env: dict, local: LocalWork,
           scheds: list[tuple[int, ...]], sample_profile: bool) -> list[list[tuple[float, ...]]]:
    """Start edge and cloud; warm every plan up, then measure them in turns.

    Plans take turns every ``PER_TURN`` frames, so that each plan's frames (and the profile
    samples) spread over the whole run and a slow minute of the VM lands on all of them alike.
    Per plan, one row per answer: end-to-end, compute the nodes measured, network, cloud queue,
    the no-ROS run (s).
    """
    threads, edge_cpus, cloud_cpus, _ = LAYOUTS[layout]
    params = ['--ros-args', '--log-level', 'warn', '-p', f'model.name:={MODEL}',
              '-p', 'model.seed:=0', '-p', 'debug_image:=false', '-p', f'threads:={threads}']
    procs = [start('edge_node', params, env, edge_cpus),
             start('cloud_node', params, env, cloud_cpus)]
    results: list[ClassificationResult] = []
    sub = node.create_subscription(ClassificationResult, io.RESULT, results.append,
                                   io.RESULT_QOS)
    img_pub = node.create_publisher(Image, io.IMAGE, io.SENSOR_QOS)
    plan_pub = node.create_publisher(JanusPlan, io.PLAN, io.PLAN_QOS)
    frame = io.rgb_to_image(local.rgb)
    per_plan: list[list[tuple[float, ...]]] = [[] for _ in PLANS]

    def send(pid: int) -> Optional[ClassificationResult]:
        n = len(results)
        frame.header.stamp = node.get_clock().now().to_msg()
        img_pub.publish(frame)
        t_end = time.monotonic() + 30
        while len(results) == n and time.monotonic() < t_end:  # blocks: no polling
            rclpy.spin_once(node, timeout_sec=t_end - time.monotonic())
        return results[-1] if len(results) > n and results[-1].plan_id == pid else None

    def use(i: int) -> None:
        mode, split, alpha, codec = PLANS[i]
        plan_pub.publish(JanusPlan(plan_id=i + 1, mode=mode, split_layer=split, alpha=alpha,
                                   merge_schedule=list(scheds[i]), codec=codec,
                                   compression='none'))

    try:
        wait_for_nodes(node, [img_pub, plan_pub])
        for i in range(len(PLANS)):
            use(i)
            for _ in range(WARM_UP):
                send(i + 1)
        for turn in range(-(-frames // PER_TURN)):
            for i, (_, split, _, codec) in enumerate(PLANS):
                use(i)
                for _ in range(PER_TURN):
                    r = send(i + 1)  # None: no answer, or the old plan's (switch not yet seen)
                    if r is not None:
                        per_plan[i].append((r.end_to_end_s, r.preprocess_s + r.robot_compute_s
                                            + r.encode_s + r.cloud_compute_s, r.network_s,
                                            r.cloud_queue_s, local.no_ros(split, scheds[i],
                                                                          codec)))
                    if sample_profile:
                        local.profile_step()
            print(f'  [{layout}] turn {turn + 1}: {sum(map(len, per_plan))} answers measured',
                  flush=True)
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(10)
        node.destroy_subscription(sub)
        node.destroy_publisher(img_pub)
        node.destroy_publisher(plan_pub)
    return per_plan


def run_layout(node: Node, layout: str, profile: Optional[Path], frames: int, env: dict,
               local: LocalWork) -> None:
    """Stream every plan in one layout, then print the three measures per plan and overall."""
    threads, edge_cpus, cloud_cpus, own_cpus = LAYOUTS[layout]
    every = set(range(os.cpu_count() or 1))
    os.sched_setaffinity(0, own_cpus or every)
    local.start_layout(threads, edge_cpus or every, cloud_cpus or every)
    depth, tokens0 = local.engine.depth, local.engine.tokens0
    scheds = [S.janus_schedule(alpha, depth, tokens0) for _, _, alpha, _ in PLANS]
    per_plan = stream(node, layout, frames, env, local, scheds, sample_profile=profile is None)
    if profile:
        prof = cloud_prof = DeviceProfile.load(profile)
    else:
        prof, cloud_prof = local.profile('robot'), local.profile('cloud')
    planner = Planner(prof, cloud_prof, PlannerConfig(image_codecs=('jpeg90',)))
    where = ('edge on CPU 0, cloud on CPU 1, one torch thread each' if layout == 'pinned'
             else 'both on every core, two torch threads each')
    full = [[prof.tokens0] * (prof.depth + 1)]
    print(f'\n[{layout}] {MODEL}, 512x512 camera frame, {where}; profiles '
          f'{"from " + str(profile) if profile else "sampled between the frames"}: all blocks '
          f'{1e3 * prof.blocks_time(full, 1, prof.depth)[0]:.1f} ms on the robot\'s cores, '
          f'{1e3 * cloud_prof.blocks_time(full, 1, prof.depth)[0]:.1f} ms on the cloud\'s',
          flush=True)
    totals: dict[str, list[float]] = {key: [] for key, _ in MEASURES}
    for (mode, split, alpha, codec), sched, rows in zip(PLANS, scheds, per_plan):
        opt = Option(mode, split, alpha, codec, sched)
        predicted = planner.cost(opt).fixed_s
        e2e, compute, network, queue, local_s = 1e3 * np.array(rows).T
        over = {'profile': e2e - 1e3 * predicted, 'no-ROS': e2e - local_s,
                'outside': e2e - compute}
        for key, values in over.items():
            totals[key] += list(values)
        print(f'{opt.describe():32s} predicted {predicted * 1e3:5.1f} ms, measured '
              f'{np.median(compute) / predicted / 1e3:5.3f}x; overhead vs profile: median '
              f'{np.median(over["profile"]):6.2f} ms, p99 '
              f'{np.percentile(over["profile"], 99):6.2f}; vs no-ROS run: '
              f'{np.median(over["no-ROS"]):5.2f}; outside the measured compute: '
              f'{np.median(over["outside"]):4.2f} (network {np.median(network):4.2f}, '
              f'cloud queue {np.median(queue):4.2f})', flush=True)
    for key, what in MEASURES:
        med = float(np.median(totals[key]))
        print(f'{layout}, all plans, {what}: median {med:.2f} ms, p99 '
              f'{np.percentile(totals[key], 99):.2f} ms (target median <= 5 ms: '
              f'{"met" if med <= 5 else "MISSED"})', flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--layout', choices=(*LAYOUTS, 'both'), default='both')
    ap.add_argument('--profile', type=Path,
                    help='use this profile instead of sampling one between the frames')
    ap.add_argument('--frames', type=int, default=40,
                    help=f'measured frames per plan (after {WARM_UP} that warm up)')
    args = ap.parse_args()
    env = dict(os.environ, ROS_DOMAIN_ID='61', ROS_AUTOMATIC_DISCOVERY_RANGE='LOCALHOST')
    os.environ.update(env)
    local = LocalWork()
    rclpy.init()
    node = Node('bench_overhead')
    try:
        for layout in (list(LAYOUTS) if args.layout == 'both' else [args.layout]):
            run_layout(node, layout, args.profile, args.frames, env, local)
    finally:
        node.destroy_node()
        rclpy.shutdown()
    return 0


if __name__ == '__main__':
    sys.exit(main())
