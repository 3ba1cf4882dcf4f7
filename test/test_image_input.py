# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""The package's own sensor_msgs/Image converter, every accepted encoding and the rejects."""
import numpy as np
import pytest

from janus_ros.core.image_input import ImageInputError, to_array, to_rgb

RGB = np.arange(4 * 5 * 3, dtype=np.uint8).reshape(4, 5, 3)


def pack(arr: np.ndarray, pad: int = 0) -> tuple[int, bytes]:
    rows = arr.reshape(arr.shape[0], -1).view(np.uint8)
    rows = np.concatenate([rows, np.zeros((rows.shape[0], pad), np.uint8)], axis=1)
    return rows.shape[1], rows.tobytes()


@pytest.mark.parametrize('encoding,arr', [
    ('rgb8', RGB), ('bgr8', RGB[..., ::-1]),
    ('rgba8', np.dstack([RGB, np.full((4, 5), 9, np.uint8)])),
    ('bgra8', np.dstack([RGB[..., ::-1], np.full((4, 5), 9, np.uint8)]))])
def test_colour_encodings_give_the_same_rgb(encoding, arr):
    step, data = pack(np.ascontiguousarray(arr), pad=3)   # padded rows are honoured
    out = to_rgb(encoding, to_array(encoding, 4, 5, step, data))
    assert np.array_equal(out, RGB)


def test_mono8_and_mono16_scaled():
    gray = RGB[..., 0]
    step, data = pack(np.ascontiguousarray(gray))
    assert np.array_equal(to_rgb('mono8', to_array('mono8', 4, 5, step, data)),
                          np.repeat(gray[..., None], 3, -1))
    g16 = gray.astype(np.uint16) * 256 + 77
    for enc in ('mono16', '16UC1'):
        step, data = pack(g16)
        assert np.array_equal(to_rgb(enc, to_array(enc, 4, 5, step, data)),
                              np.repeat(gray[..., None], 3, -1))
    step, data = pack(g16.astype('>u2'))
    assert np.array_equal(to_rgb('mono16', to_array('mono16', 4, 5, step, data, True))[..., 0],
                          gray)


@pytest.mark.parametrize('args,match', [
    (('yuv422', 4, 5, 10, bytes(40)), 'unsupported encoding'),
    (('rgb8', 4, 5, 15, bytes(59)), 'buffer of 59 bytes'),
    (('rgb8', 4, 5, 14, bytes(56)), 'step 14'),
    (('rgb8', 0, 5, 15, b''), 'out of range'),
])
def test_rejects(args, match):
    with pytest.raises(ImageInputError, match=match):
        to_array(*args)
