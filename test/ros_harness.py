# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Run janus_ros node executables as separate processes and talk to them over real DDS."""
from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable, Optional, Union

import rclpy
from ament_index_python.packages import get_package_prefix
from rclpy.context import Context
from rclpy.executors import SingleThreadedExecutor
from rclpy.node import Node

REPO = Path(__file__).resolve().parents[1]
DEMO_CARD = REPO / 'models' / 'fashion_vit' / 'card.json'


def executable(name: str) -> str:
    """Where the package installed a node executable (what `ros2 run` would start)."""
    return os.path.join(get_package_prefix('janus_ros'), 'lib', 'janus_ros', name)


def ros_args(params: dict[str, Any], ns: str = '', remap: Optional[dict[str, str]] = None
             ) -> list[str]:
    """--ros-args for parameters, namespace and remappings."""
    args = ['--ros-args']
    if ns:
        args += ['-r', f'__ns:={ns}']
    for k, v in (remap or {}).items():
        args += ['-r', f'{k}:={v}']
    for k, v in params.items():
        if isinstance(v, bool):
            v = str(v).lower()
        elif isinstance(v, (list, tuple)):
            v = '[' + ','.join(f'"{x}"' if isinstance(x, str) else str(x) for x in v) + ']'
        args += ['-p', f'{k}:={v}']
    return args


class Processes:
    """Node processes of one test; logs go to files, all are stopped at the end."""

    def __init__(self, env: dict[str, str], log_dir: Path) -> None:
        self.env, self.log_dir = env, log_dir
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self, label: str, exe: str, params: dict[str, Any], ns: str = '',
              remap: Optional[dict[str, str]] = None) -> subprocess.Popen:
        """Start ``exe`` with ROS arguments, logging to ``<log_dir>/<label>.log``."""
        log = open(self.log_dir / f'{label}.log', 'ab')
        proc = subprocess.Popen([executable(exe)] + ros_args(params, ns, remap), env=self.env,
                                stdout=log, stderr=subprocess.STDOUT)
        self.procs[label] = proc
        return proc

    def stop(self, label: str, sig: int = signal.SIGINT) -> None:
        """Stop one process (SIGINT, then SIGKILL after 10 s)."""
        proc = self.procs.pop(label)
        proc.send_signal(sig)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def log(self, label: str) -> str:
        """What a process printed so far."""
        return (self.log_dir / f'{label}.log').read_text(errors='replace')

    def close(self) -> None:
        """Stop everything still running."""
        for label in list(self.procs):
            self.stop(label)


class RosPeer:
    """An rclpy node in its own context (the test's domain), spun in a background thread."""

    def __init__(self, domain: int, name: str = 'janus_test') -> None:
        self.context = Context()
        rclpy.init(context=self.context, domain_id=domain)
        self.node = Node(name, context=self.context)
        self.executor = SingleThreadedExecutor(context=self.context)
        self.executor.add_node(self.node)
        self.lock = threading.Lock()
        self._thread = threading.Thread(target=self._spin, daemon=True)
        self._thread.start()

    def _spin(self) -> None:
        while self.context.ok():
            try:
                self.executor.spin_once(timeout_sec=0.05)
            except Exception:  # shutdown races at the end of a test
                return

    def collect(self, msg_type: Any, topic: str, qos: Any) -> list:
        """Subscribe and return the list that fills with received messages."""
        got: list = []

        def add(m: Any) -> None:
            with self.lock:
                got.append(m)
        self.node.create_subscription(msg_type, topic, add, qos)
        return got

    def wait_for(self, cond: Callable[[], bool], timeout: float,
                 what: Union[str, Callable[[], str]] = '') -> None:
        """Poll ``cond`` until true or fail the test after ``timeout`` seconds.

        ``what`` may be a callable, evaluated at the timeout, to report the state then.
        """
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if cond():
                return
            time.sleep(0.05)
        raise AssertionError(f'timed out after {timeout:.0f} s waiting for '
                             f'{what() if callable(what) else what}')

    def wait_subscribers(self, pub: Any, count: int = 1, timeout: float = 30.0) -> None:
        """Wait until ``count`` subscribers matched a publisher (nodes started and discovered)."""
        self.wait_for(lambda: pub.get_subscription_count() >= count, timeout,
                      f'{count} subscriber(s) on {pub.topic_name}')

    def close(self) -> None:
        """Shut the context down."""
        self.node.destroy_node()
        rclpy.shutdown(context=self.context)
        self._thread.join(2)
