# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Wire and image codecs: round trips, error bounds, and a fuzzed decoder."""
import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from janus_ros.core.compression import COMPRESSORS, PayloadError
from janus_ros.core.image_codec import decode_image, encode_image, image_format
from janus_ros.core.wire_codec import DTYPES, EncodedTokens, decode_tokens, encode_tokens, \
    wire_bytes

RNG = np.random.default_rng(0)
TOKENS = RNG.normal(size=(50, 192)).astype(np.float32) * 3
SIZES = RNG.integers(1, 5, size=50).astype(np.float32)


@pytest.mark.parametrize('dtype', sorted(DTYPES))
@pytest.mark.parametrize('compression', sorted(COMPRESSORS))
def test_round_trip(dtype, compression):
    enc = encode_tokens(TOKENS, SIZES, dtype, compression)
    out, sizes = decode_tokens(enc, max_tokens=50, dim=192)
    assert np.array_equal(sizes, SIZES)
    if dtype == 'fp32':
        assert np.array_equal(out, TOKENS)
    elif dtype == 'fp16':
        assert np.allclose(out, TOKENS, rtol=1e-3, atol=1e-3)
    else:  # per-token int8: error at most half a step of that token's scale
        step = np.abs(TOKENS).max(axis=1, keepdims=True) / 127
        assert np.all(np.abs(out - TOKENS) <= step / 2 + 1e-6)
    if compression == 'none':
        assert enc.nbytes == wire_bytes(50, 192, dtype)


def test_int8_is_about_four_times_smaller():
    assert wire_bytes(197, 384, 'fp32') / wire_bytes(197, 384, 'int8') > 3.9


def test_decoder_refuses_mismatches():
    enc = encode_tokens(TOKENS, SIZES, 'int8', 'zstd')
    bad = {
        'width': dataclasses.replace(enc, shape=(50, 191)),
        'too many tokens': dataclasses.replace(enc, shape=(10**6, 192)),
        'raw length': dataclasses.replace(enc, raw_length=enc.raw_length + 1),
        'sizes': dataclasses.replace(enc, sizes=SIZES[:-1]),
        'zero size': dataclasses.replace(enc, sizes=np.zeros(50, np.float32)),
        'scales': dataclasses.replace(enc, scales=enc.scales[:3]),
        'nan scale': dataclasses.replace(enc, scales=np.full(50, np.nan, np.float32)),
        'dtype': dataclasses.replace(enc, dtype=9),
        'compression': dataclasses.replace(enc, compression=42),
        'truncated': dataclasses.replace(enc, data=enc.data[:-10]),
    }
    for what, b in bad.items():
        with pytest.raises(PayloadError):
            decode_tokens(b, max_tokens=197, dim=192)
        assert what


def test_bounded_decompression_refuses_a_bomb():
    zeros = bytes(50 * 192 * 4)
    enc = encode_tokens(np.zeros((50, 192), np.float32), SIZES, 'fp32', 'zlib')
    bomb = COMPRESSORS['zlib'].compress(zeros * 100)
    with pytest.raises(PayloadError):
        decode_tokens(dataclasses.replace(enc, data=bomb), max_tokens=197, dim=192)


@settings(max_examples=300, deadline=None)
@given(shape=st.tuples(st.integers(0, 300), st.integers(0, 400)),
       dtype=st.integers(0, 4), compression=st.integers(0, 5),
       raw_length=st.integers(0, 400000), data=st.binary(max_size=2000),
       n_scales=st.integers(0, 60), n_sizes=st.integers(0, 60))
def test_fuzzed_payloads_only_raise_payload_error(shape, dtype, compression, raw_length, data,
                                                  n_scales, n_sizes):
    enc = EncodedTokens(shape=shape, dtype=dtype, scales=np.ones(n_scales, np.float32),
                        compression=compression, raw_length=raw_length, data=data,
                        sizes=np.ones(n_sizes, np.float32))
    try:
        out, _ = decode_tokens(enc, max_tokens=197, dim=192)
    except PayloadError:
        return
    assert out.shape[1] == 192


@settings(max_examples=100, deadline=None)
@given(cut=st.integers(0, 2000), flip=st.integers(0, 2000))
def test_truncated_and_corrupted_real_payloads(cut, flip):
    for compression in COMPRESSORS:
        enc = encode_tokens(TOKENS[:8, :192], SIZES[:8], 'fp16', compression)
        data = bytearray(enc.data[:cut])
        if data:
            data[flip % len(data)] ^= 0xFF
        try:
            decode_tokens(dataclasses.replace(enc, data=bytes(data)), max_tokens=197, dim=192)
        except PayloadError:
            pass


@pytest.mark.parametrize('codec', ['raw', 'png', 'jpeg90', 'jpeg50'])
def test_image_round_trip(codec):
    img = np.zeros((32, 48, 3), np.uint8)
    img[8:24, 10:30] = (200, 40, 90)
    data = encode_image(img, codec)
    fmt = codec if codec == 'raw' else image_format(codec)
    out = decode_image(data, fmt, 32, 48)
    if codec in ('raw', 'png'):
        assert np.array_equal(out, img)
    else:
        assert np.abs(out.astype(int) - img).mean() < 6


def test_image_decoder_errors():
    with pytest.raises(PayloadError):
        decode_image(b'not a jpeg', 'jpeg')
    with pytest.raises(PayloadError):
        decode_image(bytes(10), 'raw', 32, 48)
    with pytest.raises(ValueError):
        encode_image(np.zeros((2, 2, 3), np.uint8), 'gif')
