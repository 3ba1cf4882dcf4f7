# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""janus-profile: measure a model's latency profile on this machine and write it as YAML."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import torch

from janus_ros.core.engine import JanusEngine
from janus_ros.core.models import ModelSpec
from janus_ros.planning.paper_profiles import TABLE_I_MS, paper_profile
from janus_ros.planning.profile import profile_filename
from janus_ros.planning.profiler import measure


def model_spec_from_args(args: argparse.Namespace) -> ModelSpec:
    """Build the ModelSpec: a model card wins, else a timm name with hub/file/random weights."""
    if args.model_card:
        return ModelSpec.from_card(args.model_card)
    return ModelSpec(args.model, weights=args.weights, seed=args.seed)


def add_model_args(ap: argparse.ArgumentParser) -> None:
    """Add the model-selection flags shared by the command-line tools."""
    ap.add_argument('--model', default='vit_small_patch16_224', help='timm model name')
    ap.add_argument('--weights', default='random', help="'hub', 'random' or a checkpoint path")
    ap.add_argument('--seed', type=int, default=0, help='seed for random weights')
    ap.add_argument('--model-card', help='JSON model card (overrides --model/--weights)')


def main(argv: list[str] | None = None) -> int:
    """Profile and write ``<out>/<device>__<model>.yaml``; prints the fit quality."""
    ap = argparse.ArgumentParser(description=__doc__)
    add_model_args(ap)
    ap.add_argument('--device-name', help='name of this machine in the profile')
    ap.add_argument('--out', type=Path, default=Path('config/profiles'))
    ap.add_argument('--repeats', type=int, default=5)
    ap.add_argument('--counts', type=int, default=12, help='token counts sampled per block')
    ap.add_argument('--threads', type=int, default=0, help='torch threads (0: leave default)')
    ap.add_argument('--paper', action='store_true',
                    help="write the paper's Table I profiles (Jetson Orin Nano, V100) instead")
    args = ap.parse_args(argv)
    if args.paper:
        for device in TABLE_I_MS:
            prof = paper_profile(device)
            path = prof.save(args.out / ('paper-table-I_' + profile_filename(device, prof.model)))
            print(f'{prof.model} on {device}: from the paper, not measured -> {path}')
        return 0
    if args.threads:
        torch.set_num_threads(args.threads)
    engine = JanusEngine(model_spec_from_args(args))
    profile = measure(engine, repeats=args.repeats, counts_per_layer=args.counts,
                      device=args.device_name)
    path = profile.save(args.out / profile_filename(profile.device, profile.model))
    r2 = [m.r2 for m in profile.layers]
    print(f'{profile.model} on {profile.device} ({profile.threads} threads): '
          f'per-block r^2 min {min(r2):.3f} median {sorted(r2)[len(r2) // 2]:.3f}; '
          f'{sum(m.kind == "table" for m in profile.layers)} table blocks; '
          f'full model {1e3 * sum(m(profile.tokens0) for m in profile.layers):.1f} ms; '
          f'a merging block +{1e3 * float(profile.merge(profile.tokens0)):.2f} ms, size bias '
          f'+{1e3 * float(profile.sized(profile.tokens0)):.2f} ms at {profile.tokens0} tokens '
          f'-> {path}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
