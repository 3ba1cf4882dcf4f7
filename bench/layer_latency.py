# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Benchmark: per-block latency against input token count (the data the profiler fits).

Times blocks 1, N/2 and N of vit_small and vit_base at token counts across the whole range,
prints the linear fit and its r^2 and writes bench/layer_latency.png.
    python bench/layer_latency.py
"""
from __future__ import annotations

import sys
from pathlib import Path

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402

from janus_ros.core.engine import JanusEngine  # noqa: E402
from janus_ros.core.models import ModelSpec  # noqa: E402
from janus_ros.core.split_vit import TokenState  # noqa: E402
from janus_ros.planning.profile import fit_layer  # noqa: E402
from janus_ros.planning.profiler import median_time  # noqa: E402


def main() -> int:
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, name in zip(axes, ('vit_small_patch16_224', 'vit_base_patch16_224')):
        e = JanusEngine(ModelSpec(name))
        xs = np.linspace(2, e.tokens0, 12).astype(int)
        for layer in (1, e.depth // 2, e.depth):
            secs = [median_time(lambda: e.vit.run_blocks(
                TokenState(torch.randn(1, int(x), e.vit.embed_dim)), layer, layer,
                [0] * e.depth), 5) for x in xs]
            fit = fit_layer(xs, secs)
            ax.plot(xs, np.array(secs) * 1e3, 'o', ms=3, label=f'block {layer}')
            ax.plot(xs, (fit.a * xs + fit.b) * 1e3, '-', lw=1)
            print(f'{name} block {layer:2d}: T(x) = {fit.a * 1e6:.2f} us * x + '
                  f'{fit.b * 1e3:.3f} ms, r^2 = {fit.r2:.3f} ({fit.kind})', flush=True)
        ax.set_title(name)
        ax.set_xlabel('input tokens')
        ax.set_ylabel('ms')
        ax.legend(fontsize=8)
    fig.tight_layout()
    out = Path(__file__).with_name('layer_latency.png')
    fig.savefig(out, dpi=110)
    print(f'plot: {out}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
