# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Measure a DeviceProfile for a model on the machine this runs on.

Per block: random input token counts over the whole range (2..tokens0), warm-up, repeats,
median time, then a linear fit (or a table where the fit is poor). Also embedding, head,
pre-processing of a camera-sized frame, and every codec's throughput.
"""
from __future__ import annotations

import math
import time
from typing import Callable, Iterable, Optional

import numpy as np
import torch
from tqdm import tqdm

from janus_ros.core.compression import COMPRESSORS
from janus_ros.core.engine import JanusEngine
from janus_ros.core.image_codec import decode_image, encode_image, image_format
from janus_ros.core.split_vit import TokenState
from janus_ros.core.wire_codec import DTYPES, decode_tokens, encode_tokens
from janus_ros.planning.profile import CodecCost, DeviceProfile, fit_layer, this_device

IMAGE_CODECS = ('raw', 'png', 'jpeg90', 'jpeg75')


def median_time(fn: Callable[[], object], repeats: int, min_block_s: float = 0.02) -> float:
    """Median over ``repeats`` blocks of the mean time per call within a block.

    A block lasts at least ``min_block_s`` (two CFS periods of 10 ms), so a CPU quota's
    throttling shows up in the mean as it does in sustained use; single short calls would
    mostly slip through a quota at full speed.
    """
    fn()  # warm-up
    t0 = time.perf_counter()
    fn()
    inner = max(1, math.ceil(min_block_s / max(time.perf_counter() - t0, 1e-6)))
    blocks = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        blocks.append((time.perf_counter() - t0) / inner)
    return float(np.median(blocks))


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
    layers = []
    blocks: Iterable[int] = range(1, vit.depth + 1)
    bar = tqdm(blocks, desc=f'profiling {engine.spec.name}', disable=not progress)
    for layer in bar:
        xs = np.sort(rng.integers(2, n0 + 1, size=counts_per_layer))
        xs[-1] = n0
        secs = []
        for x in xs:
            state = TokenState(x=torch.randn(1, int(x), dim))
            none = [0] * vit.depth
            secs.append(median_time(lambda: vit.run_blocks(state, layer, layer, none), repeats))
        layers.append(fit_layer(xs, secs))
        bar.set_postfix(r2=f'{layers[-1].r2:.3f}')
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
