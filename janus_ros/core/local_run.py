# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""A plan run in one process, through the codecs its wire would use: no ROS, no network.

This is what the nodes must reproduce: the node tests compare their answers with it, the
accuracy table is measured with it, and the overhead benchmark times it as its no-ROS baseline.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from janus_ros.core.engine import JanusEngine
from janus_ros.core.image_codec import decode_image, encode_image, image_format
from janus_ros.core.split_vit import TokenState
from janus_ros.core.wire_codec import decode_tokens, encode_tokens


@torch.inference_mode()
def run_locally(engine: JanusEngine, crops: list[np.ndarray], split: int,
                schedule: Sequence[int], codec: str = 'fp32',
                compression: str = 'none') -> torch.Tensor:
    """Logits of model-input crops under a plan, split as ``SplitViT`` numbers it.

    ``split`` 0 (cloud-only): each crop goes through image codec ``codec`` and the whole model
    runs. ``split`` N + 1 (robot-only): the whole model runs; ``codec`` is not used. Otherwise
    blocks 1..split run, each frame's tokens and sizes go through wire codec ``codec`` and
    ``compression``, and the rest of the model runs on what was decoded.
    """
    if split == 0:
        fmt = image_format(codec) if codec != 'raw' else 'raw'
        crops = [decode_image(encode_image(c, codec), fmt, *c.shape[:2]) for c in crops]
    if split == 0 or split > engine.depth:
        return engine.whole(crops, schedule)
    state = engine.robot(crops, split, schedule)
    xs, sizes = [], []
    for x, s in zip(state.x.numpy(), state.sizes().numpy()):
        dx, ds = decode_tokens(encode_tokens(x, s, codec, compression), x.shape[0], x.shape[1])
        xs.append(dx)
        sizes.append(ds)
    stacked = np.stack(sizes)
    size = None if np.all(stacked == 1) else torch.from_numpy(stacked).unsqueeze(-1)
    return engine.cloud(TokenState(torch.from_numpy(np.stack(xs)), size), split, schedule)
