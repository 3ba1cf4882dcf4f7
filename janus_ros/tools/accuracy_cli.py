# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""janus-accuracy: measure top-1 per (alpha, codec) and per ToMe r on a labelled set.

Wire codecs are applied at split 1 (the most tokens quantised: the conservative case), image
codecs to the frame; the table is written into a profile so the planner uses measured accuracy
instead of the alpha proxy.
    janus-accuracy --model-card models/fashion_vit/card.json --profile P.yaml [--step 0.05]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from tqdm import tqdm

from janus_ros.core import schedule as S
from janus_ros.core.engine import JanusEngine
from janus_ros.core.local_run import run_locally
from janus_ros.core.models import ModelSpec
from janus_ros.planning.profile import DeviceProfile
from janus_ros.tools import fashion_mnist
from janus_ros.tools.train_demo import to_rgb

WIRE = ('fp16', 'int8')
IMAGE = ('jpeg90',)


def top1(engine: JanusEngine, crops: list[np.ndarray], labels: np.ndarray,
         schedule: tuple[int, ...], codec: str = 'fp32', batch: int = 1000) -> float:
    """Top-1 accuracy with ``schedule``, the frame or the split-1 tokens through ``codec``."""
    split = 0 if codec in IMAGE else 1 if codec in WIRE else engine.depth + 1
    correct = 0
    for i in range(0, len(crops), batch):
        logits = run_locally(engine, crops[i:i + batch], split, schedule, codec)
        correct += int((logits.argmax(-1).numpy() == labels[i:i + batch]).sum())
    return correct / len(crops)


def main(argv: list[str] | None = None) -> int:
    """Measure the table on the Fashion-MNIST test set and store it in the profile(s)."""
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--model-card', required=True)
    ap.add_argument('--profile', type=Path, nargs='+', required=True,
                    help='profile YAML file(s) to store the table in')
    ap.add_argument('--step', type=float, default=0.05, help='alpha spacing of the table')
    ap.add_argument('--limit', type=int, default=0, help='test images (0: all 10,000)')
    args = ap.parse_args(argv)
    engine = JanusEngine(ModelSpec.from_card(args.model_card))
    images, labels = fashion_mnist.load('t10k')
    if args.limit:
        images, labels = images[:args.limit], labels[:args.limit]
    crops = [engine.pre.crop(im) for im in to_rgb(images)]
    n, x0 = engine.depth, engine.tokens0
    top = S.alpha_max(n, x0)
    alphas = sorted(set(np.round(np.arange(0, top + 1e-9, args.step), 4).tolist()) | {top})
    table: dict[str, dict[float, float]] = {c: {} for c in ('fp32',) + WIRE + IMAGE}
    jobs = [(c, a) for c in table for a in alphas]
    for codec, alpha in tqdm(jobs, desc='accuracy table', file=sys.stderr):
        table[codec][float(alpha)] = top1(engine, crops, labels, S.janus_schedule(alpha, n, x0),
                                          codec)
    tome = {float(r): top1(engine, crops, labels, S.constant_schedule(r, n, x0))
            for r in range(S.max_constant_r(n, x0) + 1)}
    print(f'{len(crops)} test images; top-1 by alpha:')
    print('alpha  ' + '  '.join(f'{c:>7s}' for c in table))
    for a in alphas:
        print(f'{a:5.2f}  ' + '  '.join(f'{100 * table[c][float(a)]:6.2f}%' for c in table))
    print('ToMe constant r: ' + ', '.join(f'r={int(r)} {100 * v:.2f}%' for r, v in tome.items()))
    for path in args.profile:
        prof = DeviceProfile.load(path)
        prof.accuracy = dict(table, tome=tome)
        prof.save(path)
        print(f'accuracy table stored in {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
