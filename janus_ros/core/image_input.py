# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""sensor_msgs/Image fields -> RGB uint8, without ROS: the package's own converter.

Gives the same arrays as cv_bridge's ``imgmsg_to_cv2`` followed by a colour conversion; 16-bit
mono is scaled by 1/256 (full range to 8 bits).
"""
from __future__ import annotations

import cv2
import numpy as np

# encoding -> (channels, numpy dtype, conversion to RGB or None)
ENCODINGS: dict[str, tuple[int, str, int | None]] = {
    'rgb8': (3, 'u1', None),
    'bgr8': (3, 'u1', cv2.COLOR_BGR2RGB),
    'rgba8': (4, 'u1', cv2.COLOR_RGBA2RGB),
    'bgra8': (4, 'u1', cv2.COLOR_BGRA2RGB),
    'mono8': (1, 'u1', cv2.COLOR_GRAY2RGB),
    '8UC1': (1, 'u1', cv2.COLOR_GRAY2RGB),
    'mono16': (1, 'u2', cv2.COLOR_GRAY2RGB),
    '16UC1': (1, 'u2', cv2.COLOR_GRAY2RGB),
}
MAX_SIDE = 16384


class ImageInputError(ValueError):
    """An input image cannot be used (unsupported encoding, inconsistent size)."""


def to_array(encoding: str, height: int, width: int, step: int, data: bytes,
             is_bigendian: bool = False) -> np.ndarray:
    """Return the image as an (H, W[, C]) array in its encoding, checked against height x step."""
    if encoding not in ENCODINGS:
        raise ImageInputError(f'unsupported encoding {encoding!r}; accepted: {sorted(ENCODINGS)}')
    channels, kind, _ = ENCODINGS[encoding]
    dtype = np.dtype(kind).newbyteorder('>' if is_bigendian else '<')
    row = width * channels * dtype.itemsize
    if not (0 < height <= MAX_SIDE and 0 < width <= MAX_SIDE):
        raise ImageInputError(f'image size {width}x{height} out of range')
    if step < row:
        raise ImageInputError(f'step {step} < {row} bytes needed for {width} {encoding} pixels')
    if len(data) != height * step:
        raise ImageInputError(f'buffer of {len(data)} bytes != height {height} x step {step}')
    buf = np.frombuffer(data, np.uint8).reshape(height, step)[:, :row]
    arr = np.ascontiguousarray(buf).view(dtype).reshape(height, width, channels)
    return arr[..., 0] if channels == 1 else arr


def to_rgb(encoding: str, arr: np.ndarray) -> np.ndarray:
    """Convert an array in ``encoding`` (as cv_bridge or ``to_array`` returns it) to RGB uint8."""
    _, kind, conversion = ENCODINGS[encoding]
    if kind == 'u2':
        arr = (arr.astype(np.uint16) >> 8).astype(np.uint8)
    if conversion is None:
        return np.ascontiguousarray(arr)
    return cv2.cvtColor(np.ascontiguousarray(arr), conversion)
