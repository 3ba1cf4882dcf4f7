# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Measure a DeviceProfile for a model on the machine this runs on.

Per block: random input token counts over the whole range (2..tokens0), warm-up, repeats,
median time, then a linear fit (or a table where the fit is poor). Blocks are timed inside whole
passes, as they run in a frame. Also embedding, head, pre-processing of a camera-sized frame,
and every codec's throughput.
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
from janus_ros.planning.profile import CodecCost, DeviceProfile, fit_layer, this_device

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


def block_times_in_sequence(vit: SplitViT, tokens: int, repeats: int,
                            min_block_s: float = 0.02) -> np.ndarray:
    """Median seconds of each block at ``tokens`` tokens, timed within whole passes.

    Timing one block over and over keeps its weights and code hot: on this machine the sum of
    such per-block times fell 10-20 % short of a real pass of vit_small. Here every pass runs
    all blocks in order and each block is timed where it runs; passes repeat until a repeat
    lasts ``min_block_s``, for the reason given in ``median_time``. Under a CPU quota a stall
    lands on whichever block runs at the time, so per-block medians can miss it: they are
    scaled to add up to the median time of a whole pass.
    """
    state = TokenState(x=torch.randn(1, tokens, vit.embed_dim))
    none = [0] * vit.depth

    def one_pass(acc: np.ndarray) -> None:
        x = state
        for block in range(1, vit.depth + 1):
            t0 = time.perf_counter()
            x = vit.run_blocks(x, block, block, none)
            acc[block - 1] += time.perf_counter() - t0

    scratch = np.zeros(vit.depth)
    inner = calls_per_block(lambda: one_pass(scratch), min_block_s)
    runs = []
    for _ in range(repeats):
        acc = np.zeros(vit.depth)
        for _ in range(inner):
            one_pass(acc)
        runs.append(acc / inner)
    runs_arr = np.array(runs)
    per_block = np.median(runs_arr, axis=0)
    return per_block * (np.median(runs_arr.sum(axis=1)) / per_block.sum())


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


def measure(engine: JanusEngine, repeats: int = 5, counts_per_layer: int = 12,
            seed: int = 0, device: Optional[str] = None,
            progress: bool = True) -> DeviceProfile:
    """Profile ``engine`` here; shows a progress bar over the blocks."""
    rng = np.random.default_rng(seed)
    vit, n0, dim = engine.vit, engine.tokens0, engine.vit.embed_dim
    count = min(counts_per_layer, n0 - 1)
    xs = np.sort(rng.choice(np.arange(2, n0), size=count - 1, replace=False))
    xs = np.append(xs, n0)  # the full count is always measured
    secs = []
    bar = tqdm(xs, desc=f'profiling {engine.spec.name} (token counts)', disable=not progress)
    for x in bar:
        secs.append(block_times_in_sequence(vit, int(x), repeats))
        bar.set_postfix(pass_ms=f'{secs[-1].sum() * 1e3:.1f}')
    table = np.array(secs)  # (token counts, blocks)
    layers = [fit_layer(xs, table[:, i]) for i in range(vit.depth)]
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
        embed_dim=dim, layers=layers, image_hw=(engine.pre.height, engine.pre.width),
        preprocess_s=pre_s, embed_s=embed_s, head_s=head_s,
        codecs=measure_codecs(tokens, crop, repeats), source='measured',
        threads=torch.get_num_threads(),
        versions=dict(torch=str(torch.__version__), timm=str(__import__('timm').__version__),
                      numpy=str(np.__version__)))
