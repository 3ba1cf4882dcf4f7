# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Debug image: the frame with merged-token regions outlined and tinted, plus a caption."""
from __future__ import annotations

from typing import Optional, Sequence

import cv2
import numpy as np

_PALETTE = np.random.default_rng(7).integers(40, 255, size=(4096, 3), dtype=np.uint8)


def token_regions(source: np.ndarray, grid: tuple[int, int]) -> np.ndarray:
    """(N0,) token index per original token (CLS first) -> (gh, gw) token index per patch."""
    return np.asarray(source[1:]).reshape(grid)


def draw_overlay(crop: np.ndarray, lines: Sequence[str], regions: Optional[np.ndarray] = None,
                 min_side: int = 448) -> np.ndarray:
    """Upscaled crop with merged patches tinted per token and outlined; caption at the top."""
    scale = max(1, int(np.ceil(min_side / max(crop.shape[:2]))))
    img = cv2.resize(crop, (crop.shape[1] * scale, crop.shape[0] * scale),
                     interpolation=cv2.INTER_NEAREST)
    if regions is not None:
        cells = cv2.resize(regions.astype(np.int32), (img.shape[1], img.shape[0]),
                           interpolation=cv2.INTER_NEAREST)
        counts = np.bincount(regions.ravel())
        merged = counts[cells] > 1  # only tokens holding several patches are tinted
        tint = _PALETTE[cells % len(_PALETTE)]
        img = np.where(merged[..., None], (0.55 * img + 0.45 * tint).astype(np.uint8), img)
        edge = np.zeros(cells.shape, bool)
        edge[:, 1:] |= cells[:, 1:] != cells[:, :-1]
        edge[1:, :] |= cells[1:, :] != cells[:-1, :]
        img[edge] = (255, 255, 255)
    y = 18
    for text in lines:
        cv2.putText(img, text, (6, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 0), 3, cv2.LINE_AA)
        cv2.putText(img, text, (6, y), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (255, 255, 80), 1,
                    cv2.LINE_AA)
        y += 20
    return img
