# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Measure a DeviceProfile for a model on the machine this runs on.

Per block: random input token counts over the whole range (2..tokens0), warm-up, repeats,
median time, then a linear fit (or a table where the fit is poor); the same for what the size
bias and merging add to a block. Blocks are timed inside whole passes, as they run in a frame.
Also embedding, head, pre-processing of a camera-sized frame, and every codec's throughput.
"""
from __future__ import annotations

import math
import time
from typing import Callable, Optional

import numpy as np
import torch
from tqdm import tqdm

from janus_ros.core.compression import COMPRESSORS
from janus_ros.core.engine import JanusEngine
from janus_ros.core.image_codec import decode_image, encode_image, image_format
from janus_ros.core.split_vit import SplitViT, TokenState
from janus_ros.core.wire_codec import DTYPES, decode_tokens, encode_tokens
from janus_ros.planning.profile import CodecCost, DeviceProfile, LayerModel, fit_layer, \
    this_device

IMAGE_CODECS = ('raw', 'png', 'jpeg90', 'jpeg75')


def calls_per_block(fn: Callable[[], object], min_block_s: float) -> int:
    """Warm ``fn`` up, time one call, return how many calls last ``min_block_s``."""
    fn()
    t0 = time.perf_counter()
    fn()
    return max(1, math.ceil(min_block_s / max(time.perf_counter() - t0, 1e-6)))


def median_time(fn: Callable[[], object], repeats: int, min_block_s: float = 0.02) -> float:
    """Median over ``repeats`` blocks of the mean time per call within a block.

    A block lasts at least ``min_block_s`` (two CFS periods of 10 ms), so a CPU quota's
    throttling shows up in the mean as it does in sustained use; single short calls would
    mostly slip through a quota at full speed.
    """
    inner = calls_per_block(fn, min_block_s)
    blocks = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        blocks.append((time.perf_counter() - t0) / inner)
    return float(np.median(blocks))


PASS_KINDS = ('plain', 'sized', 'merging')


def block_times_in_sequence(vit: SplitViT, tokens: int, repeats: int,
                            min_block_s: float = 0.02) -> dict[str, np.ndarray]:
    """Median seconds of each block, timed within whole passes that enter with ``tokens``.

    Timing one block over and over keeps its weights and code hot: on this machine the sum of
    such per-block times fell 10-20 % short of a real pass of vit_small. Here every pass runs
    all blocks in order and each block is timed where it runs; passes repeat until a repeat
    lasts ``min_block_s``, for the reason given in ``median_time``. Under a CPU quota a stall
    lands on whichever block runs at the time, so per-block medians can miss it: they are
    scaled to add up to the median time of a whole pass.

    Three kinds of pass (``PASS_KINDS``) take turns within each repeat, so that the machine's
    drift lands on all of them alike: ``plain`` (timm's block), ``sized`` (tokens carry sizes,
    so attention gets the proportional bias; nothing merges) and ``merging`` (sizes, and every
    block merges one pair: block l enters with ``tokens - l + 1`` tokens).
    """
    x = torch.randn(1, tokens, vit.embed_dim)
    ones = torch.ones(1, tokens, 1)
    passes = {'plain': (TokenState(x=x), [0] * vit.depth),
              'sized': (TokenState(x=x, size=ones), [0] * vit.depth),
              'merging': (TokenState(x=x, size=ones), [1] * vit.depth)}

    def one_pass(kind: str, acc: np.ndarray) -> None:
        state, schedule = passes[kind]
        for block in range(1, vit.depth + 1):
            t0 = time.perf_counter()
            state = vit.run_blocks(state, block, block, schedule)
            acc[block - 1] += time.perf_counter() - t0

    scratch = np.zeros(vit.depth)
    inner = calls_per_block(lambda: one_pass('merging', scratch), min_block_s)
    runs: dict[str, list[np.ndarray]] = {kind: [] for kind in PASS_KINDS}
    for _ in range(repeats):
        for kind in PASS_KINDS:
            acc = np.zeros(vit.depth)
            for _ in range(inner):
                one_pass(kind, acc)
            runs[kind].append(acc / inner)
    out = {}
    for kind, kind_runs in runs.items():
        arr = np.array(kind_runs)
        per_block = np.median(arr, axis=0)
        out[kind] = per_block * (np.median(arr.sum(axis=1)) / per_block.sum())
    return out


def merging_extras(xs: np.ndarray, times: dict[str, np.ndarray], layers: list[LayerModel]
                   ) -> tuple[LayerModel, LayerModel]:
    """Fit what merging and the size bias add to a block (``DeviceProfile.merge``, ``.sized``).

    ``times[kind]`` is (token counts ``xs``, blocks) from ``block_times_in_sequence``. The size
    bias is the sized pass minus the plain one at the same count; the merge is the merging pass
    minus what a sized block at its input count costs. Blocks are alike, so each count gives
    one point: the median over blocks, floored at zero (noise can make a few hundred
    microseconds look negative). Both are fitted as lines whatever their r^2 (a table of noisy
    points would keep the noise), held flat outside the measured counts. Merging counts only
    from 2 * depth + 1 tokens up, where every block of a merging pass merges.
    """
    depth = len(layers)
    sized_model = _clamped_line(xs, np.median(times['sized'] - times['plain'], axis=1))
    full = xs >= 2 * depth + 1
    if full.sum() < 2:
        return LayerModel(), sized_model
    x_in = xs[full, None] - np.arange(depth)[None, :]
    expected = sized_model(x_in) + np.column_stack([layers[i](x_in[:, i])
                                                    for i in range(depth)])
    merge = np.median(times['merging'][full] - expected, axis=1)
    return _clamped_line(np.median(x_in, axis=1), merge), sized_model


def _clamped_line(x: np.ndarray, seconds: np.ndarray) -> LayerModel:
    """Fit a line, kept as a two-point table: flat outside the measured counts, never < 0.

    Extras are small next to the noise (a CPU quota's stalls on a robot): extrapolating a
    noisy slope could predict more for the extra than for the block itself.
    """
    line = fit_layer(x, np.maximum(seconds, 0.0), min_r2=-np.inf)
    ends = [float(np.min(x)), float(np.max(x))]
    return LayerModel('table', a=line.a, b=line.b, r2=line.r2, x=ends,
                      t=[max(float(line(e)), 0.0) for e in ends])


def sample_image(height: int, width: int) -> np.ndarray:
    """Return a natural photograph (scikit-image's astronaut) at the given size."""
    import cv2
    from skimage import data
    return cv2.resize(data.astronaut(), (width, height), interpolation=cv2.INTER_AREA)


def measure_codecs(tokens: np.ndarray, image: np.ndarray, repeats: int) -> dict[str, CodecCost]:
    """Encode/decode seconds per MB of raw input for wire dtypes, compressions, image codecs."""
    costs: dict[str, CodecCost] = {}
    sizes = np.ones(tokens.shape[0], np.float32)
    raw_mb = tokens.nbytes / 1e6
    for dtype in DTYPES:
        enc = encode_tokens(tokens, sizes, dtype)
        e = median_time(lambda: encode_tokens(tokens, sizes, dtype), repeats)
        d = median_time(lambda: decode_tokens(enc, tokens.shape[0], tokens.shape[1]), repeats)
        costs[dtype] = CodecCost(e / raw_mb, d / raw_mb, enc.nbytes / tokens.nbytes)
    payload = tokens.tobytes()
    for name, comp in COMPRESSORS.items():
        packed = comp.compress(payload)
        e = median_time(lambda: comp.compress(payload), repeats)
        d = median_time(lambda: comp.decompress(packed, len(payload)), repeats)
        costs[name] = CodecCost(e / raw_mb, d / raw_mb, len(packed) / len(payload))
    h, w = image.shape[:2]
    img_mb = image.nbytes / 1e6
    for codec in IMAGE_CODECS:
        data = encode_image(image, codec)
        fmt = 'raw' if codec == 'raw' else image_format(codec)
        e = median_time(lambda: encode_image(image, codec), repeats)
        d = median_time(lambda: decode_image(data, fmt, h, w), repeats)
        costs[codec] = CodecCost(e / img_mb, d / img_mb, len(data) / image.nbytes)
    return costs


def counts_to_sample(tokens0: int, count: int, seed: int = 0) -> np.ndarray:
    """Random input token counts in 2..tokens0, ascending; tokens0 itself is always one."""
    count = min(count, tokens0 - 1)
    rng = np.random.default_rng(seed)
    xs = np.sort(rng.choice(np.arange(2, tokens0), size=count - 1, replace=False))
    return np.append(xs, tokens0)


def profile_from_samples(engine: JanusEngine, xs: np.ndarray, times: dict[str, np.ndarray],
                         repeats: int = 5, seed: int = 0,
                         device: Optional[str] = None) -> DeviceProfile:
    """Fit the block models to ``times`` (kind -> (counts ``xs``, blocks)), time the rest.

    The rest (embedding, head, pre-processing, codecs) is measured now; the block samples may
    come from ``measure`` or be taken between other work, as the overhead benchmark does.
    """
    vit, n0, dim = engine.vit, engine.tokens0, engine.vit.embed_dim
    layers = [fit_layer(xs, times['plain'][:, i]) for i in range(vit.depth)]
    merge, sized = merging_extras(xs, times, layers)
    crop = sample_image(engine.pre.height, engine.pre.width)
    camera = sample_image(480, 640)
    images = engine.pre.normalize([crop])
    embed_s = median_time(lambda: vit.embed(images), repeats)
    state = vit.embed(images)
    head_s = median_time(lambda: vit.head(state), repeats)
    pre_s = median_time(lambda: engine.pre.normalize([engine.pre.crop(camera)]), repeats)
    tokens = np.random.default_rng(seed).normal(size=(n0, dim)).astype(np.float32)
    return DeviceProfile(
        device=device or this_device(), model=engine.spec.name, tokens0=n0, depth=vit.depth,
        embed_dim=dim, layers=layers, merge=merge, sized=sized,
        image_hw=(engine.pre.height, engine.pre.width), preprocess_s=pre_s, embed_s=embed_s,
        head_s=head_s,
        codecs=measure_codecs(tokens, crop, repeats), source='measured',
        threads=torch.get_num_threads(),
        versions=dict(torch=str(torch.__version__), timm=str(__import__('timm').__version__),
                      numpy=str(np.__version__)))


def measure(engine: JanusEngine, repeats: int = 5, counts_per_layer: int = 12,
            seed: int = 0, device: Optional[str] = None,
            progress: bool = True) -> DeviceProfile:
    """Profile ``engine`` here; shows a progress bar over the token counts."""
    xs = counts_to_sample(engine.tokens0, counts_per_layer, seed)
    secs: dict[str, list[np.ndarray]] = {kind: [] for kind in PASS_KINDS}
    bar = tqdm(xs, desc=f'profiling {engine.spec.name} (token counts)', disable=not progress)
    for x in bar:
        for kind, per_block in block_times_in_sequence(engine.vit, int(x), repeats).items():
            secs[kind].append(per_block)
        bar.set_postfix(pass_ms=f'{secs["plain"][-1].sum() * 1e3:.1f}')
    times = {kind: np.array(rows) for kind, rows in secs.items()}  # (token counts, blocks)
    return profile_from_samples(engine, xs, times, repeats, seed, device)
