# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Build a timm ViT from hub weights, a local checkpoint file, or explicit random weights.

Nothing here reaches the network unless ``weights='hub'`` is asked for. The fingerprint is a
hash of every parameter and buffer, so a robot and a cloud holding different weights (or the
same architecture with other random seeds) refuse each other's tokens.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch import nn

HUB = 'hub'
RANDOM = 'random'


@dataclass(frozen=True)
class ModelSpec:
    """What to build: a timm model name, its keyword arguments, and where the weights come from.

    ``weights`` is ``'hub'``, ``'random'`` or a path to a .safetensors/.pth/.bin file.
    ``model_kwargs`` (e.g. img_size, patch_size, num_classes) are passed to timm.create_model.
    ``labels`` names the classes in order, when known.
    """

    name: str
    weights: str = RANDOM
    seed: int = 0
    model_kwargs: dict[str, Any] = field(default_factory=dict)
    labels: tuple[str, ...] = ()

    @property
    def random_weights(self) -> bool:
        """True when the classes this model outputs carry no meaning."""
        return self.weights == RANDOM

    @classmethod
    def from_card(cls, path: str | Path) -> 'ModelSpec':
        """Read a model card (JSON next to a checkpoint: name, model_kwargs, labels, weights)."""
        path = Path(path)
        card = json.loads(path.read_text())
        weights = card.get('weights', RANDOM)
        if weights not in (HUB, RANDOM) and not Path(weights).is_absolute():
            weights = str(path.parent / weights)
        return cls(name=card['name'], weights=weights, seed=int(card.get('seed', 0)),
                   model_kwargs=dict(card.get('model_kwargs', {})),
                   labels=tuple(card.get('labels', ())))


def build_model(spec: ModelSpec) -> nn.Module:
    """Create the timm model of ``spec`` in eval mode."""
    import timm  # deferred: importing timm costs ~1 s and the planner-only tools never need it

    kwargs = dict(spec.model_kwargs)
    if spec.weights == HUB:
        model = timm.create_model(spec.name, pretrained=True, **kwargs)
    elif spec.weights == RANDOM:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(spec.seed)
            model = timm.create_model(spec.name, pretrained=False, **kwargs)
    else:
        path = Path(spec.weights)
        if not path.is_file():
            raise FileNotFoundError(f'weights file not found: {path}')
        overlay = dict(kwargs.pop('pretrained_cfg_overlay', {}), file=str(path))
        if 'num_classes' in kwargs:  # else timm re-initialises a head of another class count
            overlay['num_classes'] = kwargs['num_classes']
        model = timm.create_model(spec.name, pretrained=True, pretrained_cfg_overlay=overlay,
                                  **kwargs)
    return model.eval()


def weights_fingerprint(model: nn.Module) -> str:
    """Short hex digest over every tensor of the state dict, names and shapes included."""
    h = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        t = tensor.detach().to('cpu').contiguous()
        h.update(f'{name}:{tuple(t.shape)}:{t.dtype}'.encode())
        h.update(t.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()[:16]
