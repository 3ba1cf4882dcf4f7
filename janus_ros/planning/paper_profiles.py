# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Profiles rebuilt from the Janus paper's published figures (not measured here).

Table I of the paper (ViT-L/16@384, one image): 653.3 ms on the Jetson Orin Nano and 32.3 ms on
the V100 without merging; 403.2 / 22.5 ms with the exponential (Eq. 1) schedule at alpha_max
(the paper's 0.28). With T(x) = a*x + b for each of the 24 blocks, those two totals fix a and b
per device: total = a * sum(x_{l-1}) + 24 * b. Codec costs are not in the paper: zero unless
measured ones are lent (the paper's latency model ignores them).
"""
from __future__ import annotations

from janus_ros.core import schedule as S
from typing import Optional

from janus_ros.planning.profile import CodecCost, DeviceProfile, LayerModel

MODEL = 'vit_large_patch16_384'
DEPTH, TOKENS0, DIM = 24, 577, 1024
PAPER_ALPHA_MAX = 0.28
TABLE_I_MS = {'jetson-orin-nano': (653.3, 403.2), 'v100': (32.3, 22.5)}


def paper_profile(device: str, codecs: Optional[dict[str, CodecCost]] = None) -> DeviceProfile:
    """Build the profile of ``device`` ('jetson-orin-nano' or 'v100') implied by Table I.

    ``codecs`` may lend codec costs and image compression ratios measured elsewhere (the
    paper gives none); the profile's notes then say so.
    """
    unmerged_ms, merged_ms = TABLE_I_MS[device]
    sum_none = DEPTH * TOKENS0
    counts = S.token_counts(S.janus_schedule(PAPER_ALPHA_MAX, DEPTH, TOKENS0), TOKENS0)
    sum_merged = sum(counts[:-1])
    a_ms = (unmerged_ms - merged_ms) / (sum_none - sum_merged)
    b_ms = (unmerged_ms - a_ms * sum_none) / DEPTH
    layer = LayerModel('linear', a=a_ms / 1e3, b=b_ms / 1e3, r2=1.0)
    return DeviceProfile(
        device=device, model=MODEL, tokens0=TOKENS0, depth=DEPTH, embed_dim=DIM,
        layers=[layer] * DEPTH, image_hw=(384, 384), source='paper-table-I',
        codecs=dict(codecs or {}),
        notes=('Janus (INFOCOM 2025) Table I: per-block T(x)=a*x+b fitted to the unmerged and '
               f'Eq. 1 (alpha={PAPER_ALPHA_MAX}) totals; embedding and head not modelled; '
               + ('codec costs measured elsewhere (see codecs).' if codecs else
                  'codecs not modelled.')))
