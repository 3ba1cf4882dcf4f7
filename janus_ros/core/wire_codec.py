# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Token tensors on the wire: fp32, fp16, or int8 with one scale per token, then compression.

``decode_tokens`` trusts nothing: dtype, shape, bounds, lengths, scales and sizes are checked
before anything is allocated, and every failure is a PayloadError. No pickle, no torch.load.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from janus_ros.core.compression import PayloadError, compressor, decompress

DTYPES: dict[str, tuple[int, np.dtype]] = {
    'fp32': (0, np.dtype('<f4')),
    'fp16': (1, np.dtype('<f2')),
    'int8': (2, np.dtype('i1')),
}
_BY_ID = {code: (name, dt) for name, (code, dt) in DTYPES.items()}
MAX_ELEMENTS = 64 * 1024 * 1024  # 256 MB of fp32: far above any ViT, far below a memory attack


@dataclass
class EncodedTokens:
    """The wire form of one frame's tokens (maps 1:1 onto TokenFeatures fields)."""

    shape: tuple[int, int]
    dtype: int
    scales: np.ndarray      # float32 (tokens,) for int8, empty otherwise
    compression: int
    raw_length: int
    data: bytes
    sizes: np.ndarray       # float32 (tokens,)

    @property
    def nbytes(self) -> int:
        """Bytes this frame puts on the wire (payload, scales, sizes)."""
        return len(self.data) + 4 * (self.scales.size + self.sizes.size)


def wire_bytes(tokens: int, dim: int, dtype: str) -> int:
    """Uncompressed wire size of a token tensor, scales and sizes included (planner's model)."""
    itemsize = DTYPES[dtype][1].itemsize
    scales = tokens if dtype == 'int8' else 0
    return tokens * dim * itemsize + 4 * (scales + tokens)


def quantize_int8(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-token int8: q = round(x / s), s = max|x| / 127 per row."""
    scale = np.abs(x).max(axis=1) / 127.0
    scale = np.where(scale > 0, scale, 1.0).astype(np.float32)
    q = np.clip(np.rint(x / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def encode_tokens(x: np.ndarray, sizes: np.ndarray, dtype: str = 'fp32',
                  compression: str = 'none') -> EncodedTokens:
    """Encode a (tokens, dim) float array and its token sizes."""
    if x.ndim != 2:
        raise ValueError(f'tokens must be 2-D (tokens, dim), got shape {x.shape}')
    if dtype not in DTYPES:
        raise ValueError(f'unknown wire dtype {dtype!r}; choose from {sorted(DTYPES)}')
    code, dt = DTYPES[dtype]
    scales = np.empty(0, np.float32)
    if dtype == 'int8':
        arr, scales = quantize_int8(np.asarray(x, np.float32))
    else:
        arr = np.ascontiguousarray(x, dtype=dt)
    raw = arr.tobytes()
    comp = compressor(compression)
    return EncodedTokens(shape=(int(x.shape[0]), int(x.shape[1])), dtype=code, scales=scales,
                         compression=comp.wire_id, raw_length=len(raw), data=comp.compress(raw),
                         sizes=np.asarray(sizes, np.float32).reshape(-1))


def decode_tokens(enc: EncodedTokens, max_tokens: int, dim: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate and decode to (float32 (tokens, dim), float32 sizes (tokens,)).

    ``max_tokens`` and ``dim`` come from the receiver's own model: anything else is refused.
    """
    if len(enc.shape) != 2:
        raise PayloadError(f'shape must have 2 dimensions, got {len(enc.shape)}')
    tokens, width = (int(v) for v in enc.shape)
    if not 1 <= tokens <= max_tokens:
        raise PayloadError(f'{tokens} tokens outside 1..{max_tokens}')
    if width != dim:
        raise PayloadError(f'token width {width} != model width {dim}')
    if tokens * width > MAX_ELEMENTS:
        raise PayloadError(f'{tokens}x{width} exceeds the element bound')
    if enc.dtype not in _BY_ID:
        raise PayloadError(f'unknown dtype code {enc.dtype}')
    name, dt = _BY_ID[enc.dtype]
    expected = tokens * width * dt.itemsize
    if enc.raw_length != expected:
        raise PayloadError(f'raw length {enc.raw_length} != {expected} for '
                           f'{tokens}x{width} {name}')
    sizes = np.asarray(enc.sizes, np.float32).reshape(-1)
    if sizes.size != tokens:
        raise PayloadError(f'{sizes.size} token sizes for {tokens} tokens')
    if not np.all(np.isfinite(sizes)) or np.any(sizes < 1):
        raise PayloadError('token sizes must be finite and >= 1')
    raw = decompress(enc.compression, bytes(enc.data), expected)
    arr = np.frombuffer(raw, dtype=dt).reshape(tokens, width)
    if name == 'int8':
        scales = np.asarray(enc.scales, np.float32).reshape(-1)
        if scales.size != tokens:
            raise PayloadError(f'{scales.size} int8 scales for {tokens} tokens')
        if not np.all(np.isfinite(scales)) or np.any(scales <= 0):
            raise PayloadError('int8 scales must be finite and > 0')
        out = arr.astype(np.float32) * scales[:, None]
    else:
        if enc.scales is not None and len(enc.scales):
            raise PayloadError(f'{name} payload must carry no scales')
        out = arr.astype(np.float32)
    if not np.all(np.isfinite(out)):
        raise PayloadError('token values must be finite')
    return out, sizes
