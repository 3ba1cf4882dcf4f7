# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""A robot and a cloud host on one machine: two network namespaces joined by a veth pair.

The robot's uplink (its veth egress) is shaped by ``tc tbf``, retuned live with
``tc qdisc change``; DDS runs over UDP across the veth (shared memory would bypass the shaping).
The robot's compute runs in a cgroup (v1 cpu controller, or v2) whose CFS quota makes it slower
than the cloud, as a real robot is. Needs root; everything is removed on exit, also on Ctrl-C.
Addresses are private and exist only inside the namespaces this creates.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Optional, Sequence

CGROUP_V1 = Path('/sys/fs/cgroup/cpu')
CGROUP_V2 = Path('/sys/fs/cgroup')
CFS_PERIOD_US = 10_000  # short periods keep throttling smooth for millisecond-scale inference


class NetLabError(RuntimeError):
    """The lab cannot be built here (not root, no netns, no cgroup cpu controller)."""


def _run(*cmd: str, check: bool = True) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=check, capture_output=True, text=True)


def available() -> Optional[str]:
    """None when a lab can be built here, else the reason it cannot."""
    if os.geteuid() != 0:
        return 'not root: network namespaces, tc and cgroups need root'
    if shutil.which('ip') is None or shutil.which('tc') is None:
        return 'iproute2 (ip, tc) not installed'
    probe = 'janus_probe_ns'
    if _run('ip', 'netns', 'add', probe, check=False).returncode != 0:
        return 'cannot create network namespaces here'
    _run('ip', 'netns', 'del', probe, check=False)
    controllers = CGROUP_V2 / 'cgroup.controllers'
    if not (CGROUP_V1 / 'cpu.cfs_quota_us').exists() and not (
            controllers.exists() and 'cpu' in controllers.read_text().split()):
        return 'no cgroup cpu controller'
    return None


def tbf_args(mbit: float) -> list[str]:
    """Return tbf rate, burst and latency for ``mbit``: a 4 ms burst, at least two MTUs."""
    rate_bits = max(mbit, 0.008) * 1e6
    burst = max(3200, int(rate_bits / 8 * 0.004))
    return ['rate', f'{rate_bits / 1e3:.0f}kbit', 'burst', str(burst), 'latency', '400ms']


class NetLab:
    """Create with ``with NetLab(...) as lab:``; run commands via robot_cmd / cloud_cmd."""

    def __init__(self, tag: str = 'janus', rate_mbit: float = 100.0,
                 robot_cpu: Optional[float] = 0.1, subnet: str = '10.213.7') -> None:
        self.robot_ns, self.cloud_ns = f'{tag}_robot', f'{tag}_cloud'
        self.robot_if, self.cloud_if = f'{tag}-r', f'{tag}-c'
        self.robot_ip, self.cloud_ip = f'{subnet}.1', f'{subnet}.2'
        self.rate_mbit = rate_mbit
        self.robot_cpu = robot_cpu
        self.cgroup: Optional[Path] = None
        self._tag = tag

    def __enter__(self) -> 'NetLab':
        reason = available()
        if reason:
            raise NetLabError(reason)
        self.down()  # leftovers of an interrupted earlier run
        try:
            self._up()
        except Exception:
            self.down()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.down()

    def _up(self) -> None:
        for ns in (self.robot_ns, self.cloud_ns):
            _run('ip', 'netns', 'add', ns)
        _run('ip', 'link', 'add', self.robot_if, 'type', 'veth', 'peer', 'name', self.cloud_if)
        for ns, dev, ip in ((self.robot_ns, self.robot_if, self.robot_ip),
                            (self.cloud_ns, self.cloud_if, self.cloud_ip)):
            _run('ip', 'link', 'set', dev, 'netns', ns)
            ex = ('ip', 'netns', 'exec', ns)
            _run(*ex, 'ip', 'link', 'set', 'lo', 'up')
            _run(*ex, 'ip', 'addr', 'add', f'{ip}/24', 'dev', dev)
            _run(*ex, 'ip', 'link', 'set', dev, 'up', 'multicast', 'on')
            _run(*ex, 'ip', 'route', 'add', '224.0.0.0/4', 'dev', dev)
        _run('ip', 'netns', 'exec', self.robot_ns, 'tc', 'qdisc', 'add', 'dev', self.robot_if,
             'root', 'tbf', *tbf_args(self.rate_mbit))
        if self.robot_cpu:
            self._make_cgroup(self.robot_cpu)

    def _make_cgroup(self, cpus: float) -> None:
        v1 = (CGROUP_V1 / 'cpu.cfs_quota_us').exists()
        cg = (CGROUP_V1 if v1 else CGROUP_V2) / f'{self._tag}_robot'
        cg.mkdir(exist_ok=True)
        if v1:
            (cg / 'cpu.cfs_period_us').write_text(str(CFS_PERIOD_US))
        self.cgroup = cg
        self.set_cpu(cpus)

    def set_cpu(self, cpus: Optional[float]) -> None:
        """Limit the robot's cgroup to ``cpus`` CPUs (None: unlimited), effective at once.

        Lifting the limit while a process imports torch and loads its model, then setting it
        before the work that is measured, keeps start-up from taking ten times as long.
        """
        if self.cgroup is None:
            return
        quota = -1 if cpus is None else max(1000, int(cpus * CFS_PERIOD_US))
        if (self.cgroup / 'cpu.cfs_quota_us').exists():
            (self.cgroup / 'cpu.cfs_quota_us').write_text(str(quota))
        else:
            (self.cgroup / 'cpu.max').write_text(
                f'{"max" if quota < 0 else quota} {CFS_PERIOD_US}')

    def set_rate(self, mbit: float) -> None:
        """Retune the robot's uplink shaping live."""
        self.rate_mbit = mbit
        _run('ip', 'netns', 'exec', self.robot_ns, 'tc', 'qdisc', 'change', 'dev', self.robot_if,
             'root', 'tbf', *tbf_args(mbit))

    def robot_cmd(self, argv: Sequence[str], limited: bool = True) -> list[str]:
        """Command line running ``argv`` on the robot (inside the CPU limit when ``limited``)."""
        cmd = ['ip', 'netns', 'exec', self.robot_ns] + list(argv)
        if limited and self.cgroup is not None:
            # join the cgroup first: `ip netns exec` remounts /sys, hiding the cgroup tree
            procs = self.cgroup / 'cgroup.procs'
            cmd = ['sh', '-c', f'echo $$ > {procs} && exec "$@"', 'janus-robot'] + cmd
        return cmd

    def cloud_cmd(self, argv: Sequence[str]) -> list[str]:
        """Command line running ``argv`` on the cloud host."""
        return ['ip', 'netns', 'exec', self.cloud_ns] + list(argv)

    def down(self) -> None:
        """Remove namespaces (the veth goes with them) and the cgroup; idempotent."""
        for ns in (self.robot_ns, self.cloud_ns):
            pids = _run('ip', 'netns', 'pids', ns, check=False).stdout.split()
            for pid in pids:
                _run('kill', '-9', pid, check=False)
            _run('ip', 'netns', 'del', ns, check=False)
        for root in (CGROUP_V1, CGROUP_V2):
            cg = root / f'{self._tag}_robot'
            if cg.exists():
                for pid in (cg / 'cgroup.procs').read_text().split():
                    _run('kill', '-9', pid, check=False)
                try:
                    cg.rmdir()
                except OSError:
                    pass
        self.cgroup = None
