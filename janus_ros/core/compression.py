# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Lossless compression of wire payloads, with bounded decompression.

zlib (stdlib, the LZ77 family the paper's LZW belongs to), zstd and lz4. Every decompressor is
told the exact expected size and refuses to produce more, so a hostile payload cannot make the
receiver allocate without bound (a "zip bomb").
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable

import lz4.block
import zstandard


class PayloadError(ValueError):
    """A payload failed validation or decoding; the message says what was wrong."""


@dataclass(frozen=True)
class Compressor:
    """One lossless codec: its wire id and its two directions."""

    name: str
    wire_id: int
    compress: Callable[[bytes], bytes]
    decompress: Callable[[bytes, int], bytes]  # (data, exact expected size)


def _zlib_decompress(data: bytes, size: int) -> bytes:
    d = zlib.decompressobj()
    out = d.decompress(data, size)
    if d.unconsumed_tail or not d.eof:
        raise PayloadError('zlib stream longer than declared or truncated')
    return out


_ZSTD_C = zstandard.ZstdCompressor(level=1)


def _zstd_decompress(data: bytes, size: int) -> bytes:
    return zstandard.ZstdDecompressor().decompress(data, max_output_size=size)


def _lz4_decompress(data: bytes, size: int) -> bytes:
    return lz4.block.decompress(data, uncompressed_size=size)


COMPRESSORS: dict[str, Compressor] = {c.name: c for c in (
    Compressor('none', 0, bytes, lambda data, size: bytes(data)),
    Compressor('zlib', 1, lambda b: zlib.compress(b, 1), _zlib_decompress),
    Compressor('zstd', 2, _ZSTD_C.compress, _zstd_decompress),
    Compressor('lz4', 3, lambda b: lz4.block.compress(b, store_size=False), _lz4_decompress),
)}
BY_WIRE_ID = {c.wire_id: c for c in COMPRESSORS.values()}


def compressor(name: str) -> Compressor:
    """Look up a compressor by name, with a clear error for unknown names."""
    try:
        return COMPRESSORS[name]
    except KeyError:
        raise ValueError(f'unknown compression {name!r}; choose from {sorted(COMPRESSORS)}') \
            from None


def decompress(wire_id: int, data: bytes, size: int) -> bytes:
    """Decompress to exactly ``size`` bytes or raise PayloadError."""
    c = BY_WIRE_ID.get(wire_id)
    if c is None:
        raise PayloadError(f'unknown compression id {wire_id}')
    try:
        out = c.decompress(data, size)
    except PayloadError:
        raise
    except Exception as exc:  # each library raises its own types on corrupt input
        raise PayloadError(f'{c.name} payload does not decode: {exc}') from None
    if len(out) != size:
        raise PayloadError(f'{c.name} payload decodes to {len(out)} bytes, declared {size}')
    return out
