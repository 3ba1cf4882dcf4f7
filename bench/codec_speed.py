# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: encode + decode time per MB for every wire dtype, compression and image codec.

Tokens are real activations (vit_small after block 3, one natural photo), so compression
ratios are representative. The baseline is fp32 without compression, measured in the same run;
'ms per MB saved' ranks the lossless compressors by what they cost per byte they remove.
    python bench/codec_speed.py
"""
from __future__ import annotations

import sys

from skimage import data

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.models import ModelSpec
from janus_ros.planning.profiler import measure_codecs


def main() -> int:
    e = JanusEngine(ModelSpec('vit_small_patch16_224'))
    crop = e.pre.crop(data.astronaut())
    state = e.robot([crop], 3, S.constant_schedule(0, e.depth, e.tokens0))
    tokens = state.x[0].numpy()
    costs = measure_codecs(tokens, crop, repeats=7)
    base = costs['fp32'].encode_s_per_mb + costs['fp32'].decode_s_per_mb
    print(f'tokens {tokens.shape} ({tokens.nbytes / 1e6:.2f} MB fp32); frame {crop.shape}')
    print(f'{"codec":8s} {"enc ms/MB":>10s} {"dec ms/MB":>10s} {"size":>7s} {"vs fp32":>8s} '
          f'{"ms per MB saved":>16s}')
    for name, c in costs.items():
        total = c.encode_s_per_mb + c.decode_s_per_mb
        saved = 1.0 - c.bytes_ratio
        per_saved = f'{total * 1e3 / saved:16.2f}' if saved > 0.01 else f'{"-":>16s}'
        print(f'{name:8s} {c.encode_s_per_mb * 1e3:10.2f} {c.decode_s_per_mb * 1e3:10.2f} '
              f'{c.bytes_ratio:7.3f} {total / base:7.2f}x {per_saved}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
