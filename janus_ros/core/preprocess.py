# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Image to model input, split in two so the cloud-only option can send the small uint8 crop.

``crop`` (robot): resize the shorter side to size / crop_pct and centre-crop to the model's
input size, as timm's eval transform does, keeping uint8. ``normalize`` (wherever the model
runs): float, mean/std from the model's pretrained config.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from torch import nn


@dataclass(frozen=True)
class Preprocessor:
    """Resize/crop/normalise settings of one model."""

    height: int
    width: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    crop_pct: float = 1.0

    @classmethod
    def for_model(cls, model: nn.Module) -> 'Preprocessor':
        """Read input size, mean, std and crop_pct from a timm model's pretrained_cfg."""
        cfg = getattr(model, 'pretrained_cfg', {}) or {}
        h, w = model.patch_embed.img_size
        return cls(height=int(h), width=int(w),
                   mean=tuple(cfg.get('mean', (0.5, 0.5, 0.5))),
                   std=tuple(cfg.get('std', (0.5, 0.5, 0.5))),
                   crop_pct=float(cfg.get('crop_pct', 1.0) or 1.0))

    def crop(self, rgb: np.ndarray) -> np.ndarray:
        """(H, W, 3) uint8 of any size -> (height, width, 3) uint8 at the model's resolution."""
        ih, iw = rgb.shape[:2]
        scale = max(self.height / ih, self.width / iw) / self.crop_pct
        rh, rw = max(self.height, math.ceil(ih * scale)), max(self.width, math.ceil(iw * scale))
        if (rh, rw) != (ih, iw):
            interp = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
            rgb = cv2.resize(rgb, (rw, rh), interpolation=interp)
        top, left = (rh - self.height) // 2, (rw - self.width) // 2
        return np.ascontiguousarray(rgb[top:top + self.height, left:left + self.width])

    def normalize(self, crops: list[np.ndarray]) -> torch.Tensor:
        """uint8 crops -> (B, 3, H, W) float32 normalised tensor."""
        batch = torch.from_numpy(np.stack(crops)).permute(0, 3, 1, 2).float().div_(255.0)
        mean = torch.tensor(self.mean).view(1, 3, 1, 1)
        std = torch.tensor(self.std).view(1, 3, 1, 1)
        return batch.sub_(mean).div_(std)
