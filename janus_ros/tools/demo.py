# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""janus-demo (`make demo`): classify a live image stream while the uplink changes under it.

As root, the robot (image source, edge node in a CPU-limited cgroup, bandwidth monitor) and
the cloud node live in two network namespaces joined by a veth whose uplink ``tc tbf`` shapes
to a scenario (good -> poor -> good by default). Profiles are measured first, the robot's under
the same CPU limit. One status line a second; at the end a summary table, a PNG report and a
few debug images in the output folder. Without root everything runs on one host, unshaped.

    janus-demo [--scenario 0:20,60:0.05,120:20] [--duration 180] [--out out/demo]
    janus-demo --model vit_small_patch16_224 --weights hub --image-topic /camera/image_raw
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Optional

from ament_index_python.packages import get_package_prefix, get_package_share_directory

from janus_ros.evaluation.traces import load_trace
from janus_ros.evaluation.live_report import READY_FILE, load, plot_live, summarize_live, \
    summary_markdown
from janus_ros.planning.profile import DeviceProfile
from janus_ros.tools.netlab import NetLab, NetLabError, available

DEFAULT_SCENARIO = '0:20,60:0.05,120:20'
ROBOT_NS = '/robot1'


def exe(name: str) -> str:
    """Installed executable of this package (what `ros2 run janus_ros NAME` starts)."""
    return os.path.join(get_package_prefix('janus_ros'), 'lib', 'janus_ros', name)


def ros_args(params: dict, ns: str = '', remap: Optional[dict] = None,
             log_level: str = 'warn') -> list[str]:
    """--ros-args for a node."""
    out = ['--ros-args', '--log-level', log_level]
    if ns:
        out += ['-r', f'__ns:={ns}']
    for k, v in (remap or {}).items():
        out += ['-r', f'{k}:={v}']
    for k, v in params.items():
        out += ['-p', f'{k}:={str(v).lower() if isinstance(v, bool) else v}']
    return out


def scenario_steps(args: argparse.Namespace) -> list[tuple[float, float]]:
    """(time, Mbit/s) steps: from --trace (one a second, scaled) or from --scenario."""
    if args.trace:
        trace = load_trace(args.trace)
        return [(float(t), trace.rate_at(args.trace_start + t) * args.trace_scale)
                for t in range(int(args.duration))]
    return [(float(t), float(r)) for t, r in (s.split(':') for s in args.scenario.split(','))]


class Demo:
    """Owns the lab, the processes and the clean-up."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.out: Path = args.out
        self.procs: list[subprocess.Popen] = []
        self.lab: Optional[NetLab] = None
        share = Path(get_package_share_directory('janus_ros'))
        self.card = args.model_card or (str(share / 'models/fashion_vit/card.json')
                                        if not args.model else '')
        self.env = dict(os.environ, ROS_DOMAIN_ID=str(random.randint(1, 100)),
                        PYTHONUNBUFFERED='1')
        self.share = share

    def model_params(self) -> dict:
        """model.* parameters for edge and cloud."""
        if self.card:
            return {'model.card': self.card}
        return {'model.name': self.args.model, 'model.weights': self.args.weights}

    def start(self, cmd: list[str], label: str, show: bool = False) -> subprocess.Popen:
        """Start a process in its own session; its output to a log (or to the screen)."""
        log = None if show else open(self.out / f'{label}.log', 'wb')
        proc = subprocess.Popen(cmd, env=self.env, stdout=log, stderr=subprocess.STDOUT
                                if log else None, start_new_session=True)
        self.procs.append(proc)
        return proc

    def robot(self, argv: list[str], limited: bool = True) -> list[str]:
        """Command line on the robot side (in the lab, inside the CPU limit if ``limited``)."""
        return self.lab.robot_cmd(argv, limited) if self.lab else argv

    def cloud(self, argv: list[str]) -> list[str]:
        """Command line on the cloud side."""
        return self.lab.cloud_cmd(argv) if self.lab else argv

    def profile(self, side: str) -> Path:
        """Measure a profile on one side; the robot's under its CPU limit.

        The limit is lifted while the profiler imports torch and loads the model, and set when
        its progress bar appears, right before the measurements.
        """
        folder = self.out / f'profile_{side}'
        model = ['--model-card', self.card] if self.card else \
            ['--model', self.args.model, '--weights', self.args.weights]
        argv = [exe('janus-profile'), *model, '--device-name', side, '--out', str(folder),
                '--repeats', '3', '--counts', '6', '--threads', '1']
        robot = side == 'robot'
        cmd = self.robot(argv) if robot else self.cloud(argv)
        if robot and self.lab:
            self.lab.set_cpu(None)
        proc = subprocess.Popen(cmd, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        if robot and self.lab:
            while proc.poll() is None and 'profiling' not in proc.stderr.read(64):
                pass
            self.lab.set_cpu(self.args.robot_cpu)
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise RuntimeError(f'profiling the {side} failed:\n{out}\n{err}')
        print(f'  {side}: {out.strip().splitlines()[-1]}', flush=True)
        return next(folder.glob('*.yaml'))

    def wait_ready(self, label: str, text: str, timeout: float = 180.0) -> None:
        """Wait until a process's log shows ``text``."""
        end = time.time() + timeout
        while time.time() < end:
            if text in (self.out / f'{label}.log').read_text(errors='replace'):
                return
            time.sleep(0.2)
        raise RuntimeError(f'{label} did not start in {timeout:.0f} s; see {self.out}')

    def wait_file(self, path: Path, what: str, timeout: float = 60.0) -> None:
        """Wait until ``path`` exists (a node's sign that it is ready)."""
        end = time.time() + timeout
        while not path.exists():
            if time.time() > end:
                raise RuntimeError(f'timed out after {timeout:.0f} s waiting for {what}')
            time.sleep(0.1)

    def with_accuracy(self, measured: Path) -> Path:
        """Carry the shipped accuracy table (measured on the test set) into a fresh profile."""
        shipped = Path(self.card).parent / 'profile_robot.yaml' if self.card else None
        if shipped is None or not shipped.exists():
            return measured
        prof = DeviceProfile.load(measured)
        prof.accuracy = DeviceProfile.load(shipped).accuracy
        return prof.save(measured)

    def run(self) -> int:
        """Run the whole demo (the caller cleans up with close())."""
        a = self.args
        self.out.mkdir(parents=True, exist_ok=True)
        for stale in [self.out / READY_FILE, *self.out.glob('debug_*.png')]:
            stale.unlink(missing_ok=True)  # left by an earlier run into the same folder
        steps = scenario_steps(a)
        reason = 'forced by --single-host' if a.single_host else available()
        if reason is None:
            self.lab = NetLab(rate_mbit=steps[0][1], robot_cpu=a.robot_cpu).__enter__()
            self.env['FASTDDS_DEFAULT_PROFILES_FILE'] = str(self.share / 'config/fastdds_udp.xml')
            self.env.pop('ROS_AUTOMATIC_DISCOVERY_RANGE', None)  # only our namespaces exist
            print(f'live mode: robot and cloud in network namespaces {self.lab.robot_ns} / '
                  f'{self.lab.cloud_ns}, uplink shaped by tc tbf, robot limited to '
                  f'{a.robot_cpu:g} CPU', flush=True)
        else:
            self.env['ROS_AUTOMATIC_DISCOVERY_RANGE'] = 'LOCALHOST'
            print(f'single-host mode ({reason}): no link shaping and no CPU limit, so the '
                  'bandwidth scenario cannot act and plans follow only the compute profiles',
                  flush=True)
        print('measuring profiles ...', flush=True)
        robot_prof = self.with_accuracy(self.profile('robot'))
        cloud_prof = self.profile('cloud')
        r, c = DeviceProfile.load(robot_prof), DeviceProfile.load(cloud_prof)
        ratio = sum(m(r.tokens0) for m in r.layers) / sum(m(c.tokens0) for m in c.layers)
        print(f'  the robot computes {ratio:.1f}x slower than the cloud', flush=True)
        model = self.model_params()
        self.start(self.cloud([exe('cloud_node')] + ros_args(
            dict(model, robots=f'["{ROBOT_NS}"]', discover=False), log_level='info')), 'cloud')
        if self.lab:
            self.lab.set_cpu(None)  # load the model at full speed, then limit (wait_ready)
        self.start(self.robot([exe('edge_node')] + ros_args(
            dict(model, threads=1, cloud_timeout_s=a.cloud_timeout, debug_every=25), ROBOT_NS,
            {'image': a.image_topic} if a.image_topic else None, log_level='info')), 'edge')
        self.wait_ready('edge', 'edge ready')
        if self.lab:
            self.lab.set_cpu(a.robot_cpu)
        self.wait_ready('cloud', 'serving robot namespace')
        self.start(self.robot([exe('monitor_node')] + ros_args(
            dict(robot_profile=robot_prof, cloud_profile=cloud_prof, sla_s=a.sla,
                 **dict(kv.split(':=', 1) for kv in a.monitor_param)), ROBOT_NS),
            limited=False), 'monitor')
        time.sleep(2.0)
        start = time.time() + 2.0
        scenario = ','.join(f'{t:g}:{m:g}' for t, m in steps)
        recorder = self.start(self.robot([exe('janus-recorder')] + ros_args(
            dict(out=str(self.out.resolve()), scenario=scenario, start_epoch=start, sla_s=a.sla),
            ROBOT_NS), limited=False), 'recorder', show=True)
        self.wait_file(self.out / READY_FILE, 'the recorder to match the edge')
        source = None
        if not a.image_topic:
            samples = Path(self.card).parent / 'samples.npz'
            source = self.start(self.robot([exe('image_source_node')] + ros_args(
                dict(samples=samples, rate_hz=a.rate_hz, wait_for_truth_subscriber=True),
                ROBOT_NS), limited=False), 'source')
        self.follow(steps, start)
        if source is not None:
            source.send_signal(signal.SIGINT)  # let the last frames be answered
        time.sleep(2.0)
        recorder.send_signal(signal.SIGINT)
        recorder.wait(20)
        return self.report(r, c, ratio)

    def follow(self, steps: list[tuple[float, float]], start: float) -> None:
        """Apply the scenario's rate steps on time until the duration is over."""
        end = start + self.args.duration
        pending = list(steps)
        while time.time() < end:
            now = time.time() - start
            while pending and pending[0][0] <= now:
                _, mbit = pending.pop(0)
                if self.lab:
                    self.lab.set_rate(mbit)
                if not self.args.trace:
                    print(f'--- uplink shaped to {mbit:g} Mbit/s', flush=True)
            time.sleep(0.2)

    def report(self, robot: DeviceProfile, cloud: DeviceProfile, ratio: float) -> int:
        """Summary table, PNG and debug images."""
        data = load(self.out / 'results.json')
        if not data['rows']:
            print('no results were recorded; see the logs in', self.out)
            return 1
        s = summarize_live(data)
        mode = 'live (netns + tc tbf + cgroup)' if self.lab else 'single host'
        title = f'janus-demo, {mode}: robot {ratio:.1f}x slower than cloud'
        md = summary_markdown(s, title)
        png = plot_live(data, self.out / 'report.png', title)
        (self.out / 'summary.md').write_text(md + '\n')
        print('\n' + md)
        print(f'\nreport: {png}\nsummary: {self.out / "summary.md"}\ndebug images: '
              f'{sorted(p.name for p in self.out.glob("debug_*.png"))}\nlogs: {self.out}')
        return 0

    def close(self) -> None:
        """Stop every process and remove namespaces and cgroup (also after Ctrl-C)."""
        for proc in self.procs:
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, signal.SIGINT)
                except ProcessLookupError:
                    pass
        deadline = time.time() + 8
        for proc in self.procs:
            try:
                proc.wait(max(0.1, deadline - time.time()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
        if self.lab:
            self.lab.down()


def main(argv: list[str] | None = None) -> int:
    """Parse arguments and run the demo."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--scenario', default=DEFAULT_SCENARIO,
                    help='uplink Mbit/s from each time on: "t:mbit,..."')
    ap.add_argument('--duration', type=float, default=180.0)
    ap.add_argument('--sla', type=float, default=0.15, help='latency target (s)')
    ap.add_argument('--rate-hz', type=float, default=5.0)
    ap.add_argument('--robot-cpu', type=float, default=0.1, help='CPUs the robot may use')
    ap.add_argument('--cloud-timeout', type=float, default=0.5)
    ap.add_argument('--model-card', default='', help='default: the shipped Fashion-MNIST ViT')
    ap.add_argument('--model', default='', help='any timm ViT instead of the demo model')
    ap.add_argument('--weights', default='hub', help="with --model: 'hub', 'random' or a file")
    ap.add_argument('--image-topic', default='', help="your own camera topic (no scoring)")
    ap.add_argument('--trace', default='', help='shape the uplink by this trace instead '
                    '(Pensieve text or 5Gophers CSV, PATH[#SELECT]), one step a second')
    ap.add_argument('--trace-start', type=float, default=0.0, help='offset into the trace (s)')
    ap.add_argument('--trace-scale', type=float, default=1.0, help='multiply the trace rates')
    ap.add_argument('--monitor-param', action='append', default=[], metavar='NAME:=VALUE',
                    help='extra monitor_node parameter, e.g. "modes:=[robot]" for a fixed plan')
    ap.add_argument('--single-host', action='store_true')
    ap.add_argument('--out', type=Path, default=Path('out/demo'))
    args = ap.parse_args(argv)
    demo = Demo(args)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    try:
        return demo.run()
    except KeyboardInterrupt:
        print('\ninterrupted: cleaning up', flush=True)
        return 130
    except NetLabError as exc:
        print(f'cannot build the network lab: {exc}', file=sys.stderr)
        return 1
    finally:
        demo.close()


if __name__ == '__main__':
    sys.exit(main())
