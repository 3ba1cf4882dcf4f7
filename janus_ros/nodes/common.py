# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""What every janus_ros node does the same way: load the model, report diagnostics, spin."""
from __future__ import annotations

import sys
import threading
from typing import Any, Callable, Mapping, Optional

import rclpy
import torch
from diagnostic_msgs.msg import DiagnosticArray, DiagnosticStatus, KeyValue
from rclpy.executors import ExternalShutdownException, SingleThreadedExecutor
from rclpy.impl.implementation_singleton import rclpy_implementation as _rclpy
from rclpy.node import Node

from janus_ros.core.engine import JanusEngine
from janus_ros.core.models import ModelSpec
from janus_ros.nodes.params import Param, declare, validate

DIAGNOSTICS = '/diagnostics'


def engine_from_params(values: Mapping[str, Any], logger: Any) -> JanusEngine:
    """Build the model named by the model.* parameters (a model card wins)."""
    if values.get('threads'):
        torch.set_num_threads(int(values['threads']))
    if values['model.card']:
        spec = ModelSpec.from_card(values['model.card'])
    else:
        spec = ModelSpec(values['model.name'], weights=values['model.weights'],
                         seed=int(values['model.seed']))
    engine = JanusEngine(spec)
    if spec.random_weights:
        logger.warning(f'{spec.name} has RANDOM weights (seed {spec.seed}): classes are '
                       'meaningless; every result is marked weights_random')
    logger.info(f'model {spec.name}: {engine.depth} blocks, {engine.tokens0} tokens, '
                f'weights {engine.fingerprint}')
    return engine


def diagnostic_array(node: Node, level: int, message: str,
                     values: Mapping[str, Any]) -> DiagnosticArray:
    """One DiagnosticStatus named after the node, its values as key/value pairs."""
    status = DiagnosticStatus(level=bytes([level]), name=node.get_fully_qualified_name(),
                              message=message, hardware_id=node.get_name(),
                              values=[KeyValue(key=k, value=str(v)) for k, v in values.items()])
    return DiagnosticArray(header=node_header(node), status=[status])


def node_header(node: Node) -> Any:
    """Make a std_msgs/Header stamped with the node's clock now."""
    from std_msgs.msg import Header
    return Header(stamp=node.get_clock().now().to_msg())


def declare_with_validation(node: Node, table: tuple[Param, ...],
                            on_change: Optional[Callable[[dict[str, Any]], None]] = None
                            ) -> dict[str, Any]:
    """Declare ``table``; refuse bad runtime values; call ``on_change`` after accepted sets."""
    from rcl_interfaces.msg import SetParametersResult

    values = declare(node, table)

    def check(params: list) -> SetParametersResult:
        for p in params:
            reason = validate(table, p.name, p.value)
            if reason:
                return SetParametersResult(successful=False, reason=reason)
        return SetParametersResult(successful=True)

    def applied(params: list) -> None:
        for p in params:
            values[p.name] = p.value
        if on_change is not None:
            on_change({p.name: p.value for p in params})

    node.add_on_set_parameters_callback(check)
    node.add_post_set_parameters_callback(applied)
    return values


class WorkerMixin:
    """A node whose model work runs in ``work()`` on the process's main thread.

    ``run`` spins the executor on a second thread and calls ``work()`` on the main one, where
    the model was built. torch's OpenMP runtime (libgomp) keeps one thread team per thread that
    ever ran a parallel region; a second team makes the process manage more threads than cores,
    libgomp then stops spin-waiting between regions and every operator pays a futex wake-up:
    measured here, vit_small ran 47 ms on the main thread and 65 ms on a worker thread.
    ``work()`` waits on ``_cv`` and returns once ``_running`` turns False.
    """

    def init_worker(self) -> None:
        """Create the condition and the running flag (before any callback can use them)."""
        self._cv = threading.Condition()
        self._running = True

    def work(self) -> None:
        """Serve until ``close``; subclasses implement it."""
        raise NotImplementedError

    def close(self) -> None:
        """Make ``work()`` return (called when the executor stops)."""
        with self._cv:
            self._running = False
            self._cv.notify_all()


def _spin(executor: SingleThreadedExecutor, node: Node) -> None:
    """Spin until shutdown, then release a worker waiting on the main thread.

    A shutdown (SIGTERM, SIGINT) that lands while the executor builds its wait set surfaces as
    an RCLError about an invalid context rather than as ExternalShutdownException: the same
    event, so it is not reported as a crash.
    """
    try:
        executor.spin()
    except ExternalShutdownException:
        pass
    except _rclpy.RCLError:
        if executor.context.ok():
            raise
    finally:
        if isinstance(node, WorkerMixin):
            node.close()


def run(make_node: Callable[[], Node]) -> int:
    """Init rclpy, serve the node until Ctrl-C or shutdown, clean up; the exit status.

    Callbacks only hand data over, so one executor thread serves them; a ``WorkerMixin`` node's
    model work runs on the main thread (see there why). A node's ``close()``, if it has one,
    runs before the node is destroyed.
    """
    rclpy.init(args=sys.argv)
    node = None
    executor = SingleThreadedExecutor()
    try:
        node = make_node()
        executor.add_node(node)
        if isinstance(node, WorkerMixin):
            spinner = threading.Thread(target=_spin, args=(executor, node), name='janus-spin',
                                       daemon=True)
            spinner.start()
            node.work()
        else:
            _spin(executor, node)
    except (KeyboardInterrupt, ExternalShutdownException):
        pass
    finally:
        close = getattr(node, 'close', None)  # stops a worker; the recorder writes its file
        if close is not None:
            close()
        executor.shutdown(timeout_sec=5)
        if node is not None:
            node.destroy_node()
        if rclpy.ok():
            rclpy.shutdown()
    return 0
