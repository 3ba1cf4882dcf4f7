# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Choose (mode, split, alpha, codec) per frame so that latency meets the SLA.

Two modes:
``paper``: Algorithm 1 of Janus exactly. Alphas ascending; for each, the split minimising
  sum_{l<=s} T_dev + sum_{l>s} T_cloud + x_s * D_M / B (fp32 tokens; the lossless frame at s = 0,
  nothing at s = N + 1); the first alpha whose best split meets the SLA wins; else alpha_max with
  its fastest split.
``full``: every option (robot-only; cloud-only per image codec; split at each candidate with each
  wire codec), all alphas, latency including pre-processing, embedding, head, encode/decode, RTT
  and cloud queueing; the most accurate feasible option wins (measured accuracy table, else
  -alpha as the paper's proxy), ties to the fastest, none feasible -> the fastest; hysteresis
  damps switching: while the current option meets the SLA, a change waits for the dwell time
  and needs either better accuracy with latency under SLA * (1 - margin), or a latency lower by
  margin * SLA (saving a few ms on a comfortable plan is not worth a switch); a current option
  that misses the SLA is left at once. Every decision carries a one-line reason.

All option costs that do not depend on the link are precomputed as arrays, so a decision is a
handful of vectorised operations over ~1,400 options.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Optional

import numpy as np

from janus_ros.core import schedule as S
from janus_ros.core.wire_codec import wire_bytes
from janus_ros.planning.profile import DeviceProfile

ROBOT, CLOUD, SPLIT = 'robot', 'cloud', 'split'
LOSSLESS = ('fp32', 'raw', 'png')
MB = 1e6


@dataclass(frozen=True)
class PlannerConfig:
    """What the planner may choose and how it trades off."""

    sla_s: float = 0.3
    mode: str = 'full'                         # 'full' or 'paper'
    k: int = 5                                 # Eq. 3 density
    alpha_step: float = S.ALPHA_STEP
    max_alpha: Optional[float] = None          # cap below alpha_max (None: alpha_max)
    modes: tuple[str, ...] = (ROBOT, CLOUD, SPLIT)
    wire_codecs: tuple[str, ...] = ('fp32', 'fp16', 'int8')
    image_codecs: tuple[str, ...] = ('raw', 'png', 'jpeg90')
    compression: str = 'none'
    dwell_s: float = 1.0
    margin: float = 0.1
    paper_frame_codec: str = 'png'             # the paper's lossless frame at s = 0

    def __post_init__(self) -> None:
        if self.mode not in ('full', 'paper'):
            raise ValueError(f"planner mode must be 'full' or 'paper', got {self.mode!r}")
        if not self.sla_s > 0:
            raise ValueError(f'sla_s must be > 0, got {self.sla_s}')
        if not set(self.modes) <= {ROBOT, CLOUD, SPLIT} or not self.modes:
            raise ValueError(f'modes must be a non-empty subset of robot, cloud, split: '
                             f'{self.modes}')
        if not 0 <= self.margin < 1 or self.dwell_s < 0:
            raise ValueError('margin in [0, 1) and dwell_s >= 0 required')


@dataclass(frozen=True)
class Option:
    """One executable plan."""

    mode: str
    split: int
    alpha: float
    codec: str
    schedule: tuple[int, ...]
    tome_r: int = 0            # > 0: ToMe's constant schedule (the baselines), alpha unused

    def describe(self) -> str:
        """Short text used in logs and messages."""
        merge = f'ToMe r={self.tome_r}' if self.tome_r else f'alpha={self.alpha:.2f}'
        if self.mode == ROBOT:
            return f'robot-only {merge}'
        if self.mode == CLOUD:
            return f'cloud-only {self.codec} {merge}'
        return f'split s={self.split} {merge} {self.codec}'


@dataclass(frozen=True)
class Cost:
    """Link-independent cost of an option: seconds before and after the transfer, bytes."""

    before_s: float
    after_s: float
    bytes: float
    remote: bool

    @property
    def fixed_s(self) -> float:
        """All compute and codec time."""
        return self.before_s + self.after_s


@dataclass(frozen=True)
class LinkState:
    """What the planner knows about the link and the cloud at decision time."""

    bandwidth_bps: float
    rtt_s: float = 0.0
    cloud_queue_s: float = 0.0
    cloud_available: bool = True
    robot_scale: float = 1.0     # observed / profiled robot time, robot-only plans (learned)
    remote_scale: float = 1.0    # the same for the robot side of remote plans (learned)
    overhead_s: float = 0.0      # per-frame time no stage accounts for, robot-only (learned)
    remote_overhead_s: float = 0.0  # the same for remote plans (learned)


@dataclass(frozen=True)
class Decision:
    """A chosen option with its prediction and the reason."""

    option: Option
    index: int
    latency_s: float
    accuracy: float
    accuracy_measured: bool
    feasible: bool
    changed: bool
    reason: str


class Planner:
    """Plans for one model given robot and cloud profiles."""

    def __init__(self, robot: DeviceProfile, cloud: DeviceProfile,
                 config: PlannerConfig = PlannerConfig()) -> None:
        if (robot.depth, robot.tokens0) != (cloud.depth, cloud.tokens0):
            raise ValueError('robot and cloud profiles describe different models')
        self.robot, self.cloud, self.config = robot, cloud, config
        self.depth, self.tokens0, self.dim = robot.depth, robot.tokens0, robot.embed_dim
        h, w = robot.image_hw
        if not h * w:
            raise ValueError('the robot profile lacks image_hw (model input size)')
        self.frame_bytes = 3 * h * w
        top = S.alpha_max(self.depth, self.tokens0, config.alpha_step)
        if config.max_alpha is not None:
            top = min(top, config.max_alpha)
        self.alphas = tuple(a for a in S.alpha_grid(self.depth, self.tokens0, config.alpha_step)
                            if a <= top + 1e-9)
        self.schedules = [S.janus_schedule(a, self.depth, self.tokens0) for a in self.alphas]
        self.counts = np.array([S.token_counts(s, self.tokens0) for s in self.schedules], float)
        self._prefix_cache: dict[tuple[int, ...], tuple] = {}
        self.accuracy_measured = bool(robot.accuracy or cloud.accuracy)
        self._accuracy_table = robot.accuracy or cloud.accuracy
        self._build()
        self.current: Optional[int] = None
        self.last_switch = -math.inf

    # -- option table -------------------------------------------------------------------------
    def accuracy_for(self, alpha: float, codec: str) -> float:
        """Measured accuracy (interpolated over alpha) or the -alpha proxy."""
        if not self.accuracy_measured:
            return -alpha
        key = 'fp32' if codec in LOSSLESS else codec
        table = self._accuracy_table.get(key) or self._accuracy_table.get('fp32', {})
        if not table:
            return -alpha
        alphas = sorted(table)
        return float(np.interp(alpha, alphas, [table[a] for a in alphas]))

    def cost(self, opt: Option) -> Cost:
        """Compute the link-independent cost of any option.

        Options outside the planner's own grid work too (the baselines' constant-r schedules).
        """
        r, c, cfg, n = self.robot, self.cloud, self.config, self.depth
        counts, robot_cum, cloud_cum = self._prefix(opt.schedule)
        front = r.preprocess_s + r.embed_s
        if opt.mode == ROBOT:
            return Cost(front + robot_cum[n] + r.head_s, 0.0, 0.0, False)
        if opt.mode == CLOUD:
            mb = self.frame_bytes / MB
            return Cost(r.preprocess_s + mb * r.codec(opt.codec).encode_s_per_mb,
                        mb * c.codec(opt.codec).decode_s_per_mb + c.preprocess_s + c.embed_s
                        + cloud_cum[n] + c.head_s,
                        self.frame_bytes * r.codec(opt.codec).bytes_ratio, True)
        raw = wire_bytes(int(counts[opt.split]), self.dim, opt.codec)
        comp_out, comp_in = r.codec(cfg.compression), c.codec(cfg.compression)
        mb = raw / MB
        return Cost(front + robot_cum[opt.split]
                    + mb * (r.codec(opt.codec).encode_s_per_mb + comp_out.encode_s_per_mb),
                    mb * (c.codec(opt.codec).decode_s_per_mb + comp_in.decode_s_per_mb)
                    + cloud_cum[n] - cloud_cum[opt.split] + c.head_s,
                    raw * comp_out.bytes_ratio, True)

    def _prefix(self, schedule: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Token counts and cumulative block times (robot, cloud) of a schedule, cached."""
        hit = self._prefix_cache.get(schedule)
        if hit is None:
            counts = np.array(S.token_counts(schedule, self.tokens0), float)
            cums = [np.concatenate([[0.0], np.cumsum(p.block_seconds(counts)[0])])
                    for p in (self.robot, self.cloud)]
            hit = self._prefix_cache[schedule] = (counts, cums[0], cums[1])
        return hit

    def _build(self) -> None:
        cfg, n = self.config, self.depth
        options = []
        for alpha, sched in zip(self.alphas, self.schedules):
            if ROBOT in cfg.modes:
                options.append(Option(ROBOT, n + 1, alpha, 'fp32', sched))
            if CLOUD in cfg.modes:
                options += [Option(CLOUD, 0, alpha, c, sched) for c in cfg.image_codecs]
            if SPLIT in cfg.modes:
                options += [Option(SPLIT, s, alpha, c, sched)
                            for s in S.split_candidates(n, cfg.k)[1:-1] for c in cfg.wire_codecs]
        costs = [self.cost(o) for o in options]
        self.options = options
        self.fixed_s = np.array([c.fixed_s for c in costs])
        self.robot_s = np.array([c.before_s for c in costs])
        self.bytes = np.array([c.bytes for c in costs])
        self.remote = np.array([c.remote for c in costs])
        self.accuracy = np.array([self.accuracy_for(o.alpha, o.codec) for o in options])
        self._paper_tables()

    def _paper_tables(self) -> None:
        n, cfg = self.depth, self.config
        cands = S.split_candidates(n, cfg.k)
        self.paper_splits = cands
        comp = np.zeros((len(self.alphas), len(cands)))
        nbytes = np.zeros_like(comp)
        frame = self.frame_bytes * self.robot.codec(cfg.paper_frame_codec).bytes_ratio
        for j, s in enumerate(cands):
            upto = min(s, n)
            comp[:, j] = (self.robot.blocks_time(self.counts, 1, upto)
                          + self.cloud.blocks_time(self.counts, upto + 1, n))
            if s == 0:
                nbytes[:, j] = frame
            elif s <= n:
                nbytes[:, j] = self.counts[:, s] * 4 * self.dim
        self.paper_compute, self.paper_bytes = comp, nbytes

    # -- decisions ------------------------------------------------------------------------------
    def predict(self, link: LinkState) -> np.ndarray:
        """Predicted end-to-end latency (s) of every option under ``link``."""
        bw = link.bandwidth_bps
        transfer = np.full(len(self.options), np.inf) if bw <= 0 else self.bytes * 8.0 / bw
        scale = np.where(self.remote, link.remote_scale, link.robot_scale)
        overhead = np.where(self.remote, link.remote_overhead_s, link.overhead_s)
        lat = self.fixed_s + (scale - 1.0) * self.robot_s + overhead + \
            np.where(self.remote, transfer + link.rtt_s + link.cloud_queue_s, 0.0)
        if not link.cloud_available:
            lat = np.where(self.remote, np.inf, lat)
        return lat

    def decide(self, link: LinkState, now: float) -> Decision:
        """Run the configured mode; ``now`` (s) drives hysteresis in full mode."""
        if self.config.mode == 'paper':
            return self._decide_paper(link)
        return self._decide_full(link, now)

    def _decide_full(self, link: LinkState, now: float) -> Decision:
        cfg = self.config
        lat = self.predict(link)
        feasible = lat <= cfg.sla_s
        if feasible.any():
            acc = np.where(feasible, self.accuracy, -np.inf)
            top = acc.max()
            best = int(np.argmin(np.where(acc >= top - 1e-12, lat, np.inf)))
            why = f'most accurate option within SLA {cfg.sla_s * 1e3:.0f} ms'
        else:
            best = int(np.argmin(lat))
            why = f'nothing meets SLA {cfg.sla_s * 1e3:.0f} ms: fastest'
        cur = self.current
        if cur is not None and cur != best and math.isfinite(lat[cur]):
            cur_ok = bool(feasible[cur])
            better_acc = self.accuracy[best] > self.accuracy[cur] + 1e-12
            faster = lat[best] < lat[cur] - cfg.margin * cfg.sla_s
            dwell_left = cfg.dwell_s - (now - self.last_switch)
            if cur_ok and better_acc and lat[best] > cfg.sla_s * (1 - cfg.margin):
                return self._keep(cur, lat, feasible, 'kept: better option lacks SLA margin')
            if cur_ok and not better_acc and not faster:
                return self._keep(cur, lat, feasible, 'kept: not faster by margin x SLA')
            if cur_ok and dwell_left > 0:
                return self._keep(cur, lat, feasible, f'kept: dwell {dwell_left:.1f} s left')
            if not cur_ok and not feasible.any() and not lat[best] < lat[cur] * (1 - cfg.margin):
                return self._keep(cur, lat, feasible, 'kept: nothing feasible, no faster option')
        return self._choose(best, lat, feasible, link, why, now)

    def _keep(self, idx: int, lat: np.ndarray, feasible: np.ndarray, reason: str) -> Decision:
        return Decision(self.options[idx], idx, float(lat[idx]), float(self.accuracy[idx]),
                        self.accuracy_measured, bool(feasible[idx]), False, reason)

    def _choose(self, idx: int, lat: np.ndarray, feasible: np.ndarray, link: LinkState,
                why: str, now: float) -> Decision:
        changed = idx != self.current
        if changed:
            self.last_switch = now
        self.current = idx
        reason = (f'{why}: {self.options[idx].describe()} predicted {lat[idx] * 1e3:.0f} ms at '
                  f'{link.bandwidth_bps / 1e6:.2f} Mbit/s')
        if not link.cloud_available:
            reason += ' (cloud unavailable)'
        return Decision(self.options[idx], idx, float(lat[idx]), float(self.accuracy[idx]),
                        self.accuracy_measured, bool(feasible[idx]), changed, reason)

    def _decide_paper(self, link: LinkState) -> Decision:
        bw = link.bandwidth_bps
        with np.errstate(divide='ignore'):
            transfer = self.paper_bytes * 8.0 / bw if bw > 0 else \
                np.where(self.paper_bytes > 0, np.inf, 0.0)
        lat = self.paper_compute + transfer
        if not link.cloud_available:
            lat = np.where(self.paper_bytes > 0, np.inf, lat)
        best_j = lat.argmin(axis=1)
        best = lat[np.arange(len(self.alphas)), best_j]
        ok = np.nonzero(best <= self.config.sla_s)[0]
        ai = int(ok[0]) if ok.size else len(self.alphas) - 1
        s = self.paper_splits[int(best_j[ai])]
        opt = self._paper_option(ai, s)
        why = 'Algorithm 1: lowest alpha meeting SLA' if ok.size else \
            'Algorithm 1: no alpha meets SLA, alpha_max fastest split'
        idx = self.options.index(opt) if opt in self.options else -1
        changed = idx != self.current
        self.current = idx
        reason = (f'{why}: {opt.describe()} predicted {best[ai] * 1e3:.0f} ms at '
                  f'{bw / 1e6:.2f} Mbit/s')
        return Decision(opt, idx, float(best[ai]), -opt.alpha, False, bool(ok.size), changed,
                        reason)

    def _paper_option(self, ai: int, s: int) -> Option:
        alpha, sched = self.alphas[ai], self.schedules[ai]
        if s == 0:
            return Option(CLOUD, 0, alpha, self.config.paper_frame_codec, sched)
        if s == self.depth + 1:
            return Option(ROBOT, s, alpha, 'fp32', sched)
        return Option(SPLIT, s, alpha, 'fp32', sched)
