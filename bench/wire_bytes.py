# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: bytes on the wire per frame for each (split, alpha, codec), next to the frame
itself (raw, PNG, JPEG q = 90 of natural photographs from scikit-image at the model's input
size), and the logits' relative error of each token codec against fp32.

Target: int8 tokens >= 3.5x smaller than fp32.
    python bench/wire_bytes.py [--model vit_small_patch16_224]
"""
from __future__ import annotations

import argparse
import sys

import numpy as np
import torch
from skimage import data

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.image_codec import encode_image
from janus_ros.core.models import ModelSpec
from janus_ros.core.split_vit import TokenState
from janus_ros.core.wire_codec import decode_tokens, encode_tokens

PHOTOS = ('astronaut', 'coffee', 'chelsea', 'rocket', 'immunohistochemistry')


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--model', default='vit_small_patch16_224')
    args = ap.parse_args()
    e = JanusEngine(ModelSpec(args.model))
    photos = [e.pre.crop(getattr(data, p)()) for p in PHOTOS]
    raw = photos[0].nbytes
    print(f'{args.model}: frame at {e.pre.width}x{e.pre.height}, mean over {len(photos)} photos')
    for codec in ('raw', 'png', 'jpeg90'):
        size = np.mean([len(encode_image(p, codec)) for p in photos])
        print(f'  frame {codec:8s} {size / 1e3:8.1f} kB  ({raw / size:5.2f}x smaller than raw)')
    n, x0 = e.depth, e.tokens0
    print(f'{"split":>5s} {"alpha":>5s} {"tokens":>6s} ' + ' '.join(
        f'{c:>10s}' for c in ('fp32', 'fp16', 'int8', 'int8+zstd')) + '  (kB per frame)')
    rel = {c: [] for c in ('fp16', 'int8')}
    for alpha in (0.0, round(S.alpha_max(n, x0) / 2, 2), S.alpha_max(n, x0)):
        sched = S.janus_schedule(alpha, n, x0)
        for s in S.split_candidates(n, 3)[1:-1]:
            state = e.robot([photos[0]], s, sched)
            x, sizes = state.x[0].numpy(), state.sizes()[0].numpy()
            encs = {c: encode_tokens(x, sizes, c) for c in ('fp32', 'fp16', 'int8')}
            encs['int8+zstd'] = encode_tokens(x, sizes, 'int8', 'zstd')
            print(f'{s:5d} {alpha:5.2f} {x.shape[0]:6d} ' + ' '.join(
                f'{encs[c].nbytes / 1e3:10.1f}' for c in encs), flush=True)
            ref = e.cloud(state, s, sched)
            for c in rel:
                y, _ = decode_tokens(encs[c], x0, e.vit.embed_dim)
                out = e.cloud(TokenState(torch.from_numpy(y)[None], state.size), s, sched)
                rel[c].append(float((out - ref).norm() / ref.norm()))
    ratio = encode_tokens(x, sizes, 'fp32').nbytes / encode_tokens(x, sizes, 'int8').nbytes
    print(f'int8 vs fp32: {ratio:.2f}x smaller (target >= 3.5x: '
          f'{"met" if ratio >= 3.5 else "MISSED"})')
    for c, v in rel.items():
        print(f'logits relative error {c}: median {np.median(v):.2e}, max {np.max(v):.2e}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
