# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Train the embedded demo model: a small timm ViT on Fashion-MNIST, on the CPU.

Writes ``<out>/model.safetensors`` and ``<out>/card.json`` (architecture, labels, training
command, seed, time, test accuracy on all 10,000 test images) and ``<out>/samples.npz`` (a few
hundred labelled test images, so the demo needs no data set installed).
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file
from tqdm import tqdm

from janus_ros.core.models import ModelSpec, build_model
from janus_ros.core.preprocess import Preprocessor
from janus_ros.tools import fashion_mnist

DEMO_NAME = 'vit_tiny_patch16_224'
DEMO_KWARGS = dict(img_size=28, patch_size=4, embed_dim=96, depth=6, num_heads=3,
                   num_classes=10, pretrained_cfg_overlay=dict(
                       mean=(0.5, 0.5, 0.5), std=(0.5, 0.5, 0.5), crop_pct=1.0))


def to_rgb(gray: np.ndarray) -> np.ndarray:
    """(n, 28, 28) -> (n, 28, 28, 3) uint8, the form a camera topic would deliver."""
    return np.repeat(gray[..., None], 3, axis=-1)


def augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Random horizontal flip and +-2 px translation (pad and crop), batched."""
    flip = torch.rand(x.shape[0], generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(-1), x)
    pad = torch.nn.functional.pad(x, (2, 2, 2, 2), value=float(x.min()))
    dy, dx = (int(v) for v in torch.randint(0, 5, (2,), generator=gen))
    return pad[..., dy:dy + x.shape[-2], dx:dx + x.shape[-1]]


def write_samples(out: Path, images: np.ndarray, labels: np.ndarray, count: int,
                  seed: int) -> Path:
    """Ship ``count`` random test images with labels (the demo's stream; no pickle)."""
    pick = np.random.default_rng(seed).choice(len(images), count, replace=False)
    path = out / 'samples.npz'
    np.savez_compressed(path, images=to_rgb(images[pick]), labels=labels[pick])
    return path


def evaluate(model: torch.nn.Module, images: torch.Tensor, labels: torch.Tensor) -> float:
    """Top-1 accuracy over the whole set."""
    model.eval()
    correct = 0
    with torch.inference_mode():
        for i in range(0, len(images), 1000):
            correct += int((model(images[i:i + 1000]).argmax(-1) == labels[i:i + 1000]).sum())
    return correct / len(images)


def main(argv: list[str] | None = None) -> int:
    """Train, evaluate and write the demo model."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--out', type=Path, default=Path('models/fashion_vit'))
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--batch', type=int, default=128)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--samples', type=int, default=1000)
    ap.add_argument('--threads', type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    gen = torch.Generator().manual_seed(args.seed)
    spec = ModelSpec(DEMO_NAME, seed=args.seed, model_kwargs=DEMO_KWARGS)
    model = build_model(spec)
    pre = Preprocessor.for_model(model)
    tr_x, tr_y = fashion_mnist.load('train')
    te_x, te_y = fashion_mnist.load('t10k')
    xtr, ytr = pre.normalize(list(to_rgb(tr_x))), torch.from_numpy(tr_y.astype(np.int64))
    xte, yte = pre.normalize(list(to_rgb(te_x))), torch.from_numpy(te_y.astype(np.int64))
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.05)
    steps = args.epochs * math.ceil(len(xtr) / args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps,
                                                pct_start=0.1)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
    start = time.time()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(xtr), generator=gen)
        bar = tqdm(range(0, len(xtr), args.batch), desc=f'epoch {epoch + 1}/{args.epochs}',
                   file=sys.stdout, mininterval=5)
        for i in bar:
            idx = order[i:i + args.batch]
            loss = loss_fn(model(augment(xtr[idx], gen)), ytr[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            bar.set_postfix(loss=f'{loss.item():.3f}')
        print(f'epoch {epoch + 1}: test accuracy {evaluate(model, xte, yte):.4f}', flush=True)
    minutes = (time.time() - start) / 60
    accuracy = evaluate(model, xte, yte)
    args.out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              str(args.out / 'model.safetensors'))
    write_samples(args.out, te_x, te_y, args.samples, args.seed)
    card = dict(name=DEMO_NAME, model_kwargs=DEMO_KWARGS, weights='model.safetensors',
                labels=list(fashion_mnist.LABELS), dataset='Fashion-MNIST (Xiao et al. 2017)',
                test_accuracy=accuracy, test_images=len(te_x), seed=args.seed,
                training_minutes=round(minutes, 1), torch=torch.__version__,
                command='janus-train-demo ' + ' '.join(argv if argv is not None else sys.argv[1:]))
    (args.out / 'card.json').write_text(json.dumps(card, indent=2) + '\n')
    print(f'test accuracy {accuracy:.4f} after {minutes:.1f} min -> {args.out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
