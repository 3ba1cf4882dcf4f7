# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""One loaded model and everything both sides do with it: prepare, run a part, classify."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np
import torch

from janus_ros.core.models import ModelSpec, build_model, weights_fingerprint
from janus_ros.core.preprocess import Preprocessor
from janus_ros.core.split_vit import SplitViT, TokenState


@dataclass(frozen=True)
class Prediction:
    """Top-k classes of one frame."""

    class_id: int
    score: float
    topk_ids: tuple[int, ...]
    topk_scores: tuple[float, ...]


class JanusEngine:
    """A timm ViT ready to run as robot part, cloud part or whole, with its identity."""

    def __init__(self, spec: ModelSpec) -> None:
        self.spec = spec
        model = build_model(spec)
        self.vit = SplitViT(model)
        self.pre = Preprocessor.for_model(model)
        self.fingerprint = weights_fingerprint(model)
        self.num_classes = int(model.num_classes)

    @property
    def depth(self) -> int:
        """Number of transformer blocks N."""
        return self.vit.depth

    @property
    def tokens0(self) -> int:
        """Tokens entering block 1 (CLS included)."""
        return self.vit.tokens0

    def label(self, class_id: int) -> str:
        """Class name when the model card has labels, else the id as text."""
        labels = self.spec.labels
        return labels[class_id] if 0 <= class_id < len(labels) else str(class_id)

    def robot(self, crops: list[np.ndarray], split: int, schedule: Sequence[int],
              track_source: bool = False) -> TokenState:
        """Embedding and blocks 1..split on uint8 crops."""
        return self.vit.robot_part(self.pre.normalize(crops), split, schedule, track_source)

    def cloud(self, state: TokenState, split: int, schedule: Sequence[int]) -> torch.Tensor:
        """Blocks split+1..N and head: logits."""
        return self.vit.cloud_part(state, split, schedule)

    def whole(self, crops: list[np.ndarray], schedule: Sequence[int]) -> torch.Tensor:
        """Run the whole model on uint8 crops: logits."""
        return self.vit.forward(self.pre.normalize(crops), schedule)

    @staticmethod
    def predict(logits: torch.Tensor, k: int = 5) -> list[Prediction]:
        """Softmax top-k per row of ``logits``."""
        probs = logits.float().softmax(dim=-1)
        top = probs.topk(min(k, probs.shape[-1]), dim=-1)
        return [Prediction(int(i[0]), float(v[0]), tuple(int(a) for a in i),
                           tuple(float(b) for b in v))
                for v, i in zip(top.values, top.indices)]
