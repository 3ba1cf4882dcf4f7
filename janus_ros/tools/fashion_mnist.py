# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Fashion-MNIST (Xiao et al. 2017, MIT) from Debian's dataset-fashion-mnist IDX files."""
from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

DEFAULT_ROOT = Path('/usr/share/datasets/fashion-mnist')
LABELS = ('T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker',
          'Bag', 'Ankle boot')


def _read_idx(path: Path, magic: int) -> np.ndarray:
    raw = gzip.decompress(path.read_bytes())
    if int.from_bytes(raw[:4], 'big') != magic:
        raise ValueError(f'{path} is not an IDX file of the expected kind')
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load(split: str, root: Path = DEFAULT_ROOT) -> tuple[np.ndarray, np.ndarray]:
    """Images (n, 28, 28) uint8 and labels (n,) for split 'train' or 't10k'."""
    images = root / f'{split}-images-idx3-ubyte.gz'
    if not images.exists():
        raise FileNotFoundError(
            f'{images} missing: install it with `apt-get install dataset-fashion-mnist`')
    return (_read_idx(images, 0x00000803),
            _read_idx(root / f'{split}-labels-idx1-ubyte.gz', 0x00000801))
