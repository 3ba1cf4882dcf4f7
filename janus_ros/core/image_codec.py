# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Frames for the cloud-only option: raw RGB, PNG, or JPEG at quality q (``jpeg90``)."""
from __future__ import annotations

import re

import cv2
import numpy as np

from janus_ros.core.compression import PayloadError

_JPEG = re.compile(r'^jpeg(\d{1,3})$')
MAX_PIXELS = 4096 * 4096


def check_image_codec(name: str) -> str:
    """Validate an image codec name: raw, png or jpeg<q> with 1 <= q <= 100."""
    m = _JPEG.match(name)
    if name in ('raw', 'png') or (m and 1 <= int(m.group(1)) <= 100):
        return name
    raise ValueError(f'unknown image codec {name!r}; use raw, png or jpeg<1..100>')


def encode_image(rgb: np.ndarray, codec: str) -> bytes:
    """Encode an (H, W, 3) uint8 RGB image; raw is the bytes themselves."""
    check_image_codec(codec)
    if codec == 'raw':
        return np.ascontiguousarray(rgb, np.uint8).tobytes()
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    if codec == 'png':
        ok, buf = cv2.imencode('.png', bgr, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    else:
        ok, buf = cv2.imencode('.jpg', bgr, [cv2.IMWRITE_JPEG_QUALITY, int(codec[4:])])
    if not ok:
        raise ValueError(f'OpenCV could not encode the image as {codec}')
    return buf.tobytes()


def decode_image(data: bytes, codec: str, height: int = 0, width: int = 0) -> np.ndarray:
    """Decode to (H, W, 3) uint8 RGB; raw needs the size; raises PayloadError on bad input."""
    if codec == 'raw':
        if not (0 < height * width <= MAX_PIXELS) or len(data) != height * width * 3:
            raise PayloadError(f'raw frame of {len(data)} bytes is not {height}x{width}x3')
        return np.frombuffer(data, np.uint8).reshape(height, width, 3)
    if codec not in ('png', 'jpeg'):
        raise PayloadError(f'unknown image format {codec!r}')
    buf = np.frombuffer(data, np.uint8)
    if buf.size == 0:
        raise PayloadError('empty image payload')
    bgr = cv2.imdecode(buf, cv2.IMREAD_COLOR)
    if bgr is None:
        raise PayloadError(f'{codec} payload does not decode')
    if bgr.shape[0] * bgr.shape[1] > MAX_PIXELS:
        raise PayloadError(f'decoded image {bgr.shape[1]}x{bgr.shape[0]} is too large')
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def image_format(codec: str) -> str:
    """Return the sensor_msgs/CompressedImage format of a codec (png or jpeg)."""
    return 'jpeg' if codec.startswith('jpeg') else codec
