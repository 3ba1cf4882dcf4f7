# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Run any timm VisionTransformer in two parts with token merging between attention and MLP.

Split ``s`` means the robot runs patch + position embedding and blocks 1..s, the cloud runs
blocks s+1..N, the final norm and the head (s = 0: cloud-only, s = N + 1: robot-only, which is
split N with an empty cloud part). Both halves call timm's own modules; the only thing added to a
block is the proportional-attention bias (log token size, passed as timm's additive
``attn_mask``) and the merge step. The keys that matching needs are read from the output of
``attn.qkv`` by a forward hook, so attention itself stays timm's fused kernel.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Optional, Sequence

import torch
from torch import nn

from janus_ros.core.merging import bipartite_soft_matching, merge_source, merge_tokens

SUPPORTED_POOLS = ('token', 'avg')


class UnsupportedModelError(ValueError):
    """The timm model cannot be split or merged by janus_ros (the message says why)."""


@dataclass
class TokenState:
    """Tokens between blocks: values, per-token sizes (None until the first merge), sources."""

    x: torch.Tensor
    size: Optional[torch.Tensor] = None    # (B, N, 1) patches per token
    source: Optional[torch.Tensor] = None  # (B, N0) token index of each original patch

    @property
    def tokens(self) -> int:
        """Current token count (CLS included)."""
        return self.x.shape[1]

    def sizes(self) -> torch.Tensor:
        """Token sizes as (B, N), ones before any merge."""
        if self.size is None:
            return torch.ones(self.x.shape[:2], dtype=self.x.dtype, device=self.x.device)
        return self.size[..., 0]


class SplitViT:
    """A timm VisionTransformer cut into robot and cloud parts, with ToMe-style merging."""

    def __init__(self, model: nn.Module) -> None:
        for attr in ('patch_embed', 'blocks', 'norm', 'forward_head', '_pos_embed'):
            if not hasattr(model, attr):
                raise UnsupportedModelError(f'not a timm VisionTransformer: no {attr!r}')
        if getattr(model, 'num_prefix_tokens', 1) != 1 or \
                getattr(model, 'cls_token', None) is None:
            raise UnsupportedModelError('janus_ros needs exactly one prefix token (CLS)')
        if getattr(model, 'attn_pool', None) is not None or \
                model.global_pool not in SUPPORTED_POOLS:
            raise UnsupportedModelError(
                f'global_pool {model.global_pool!r} unsupported (use one of {SUPPORTED_POOLS})')
        self.model = model.eval()
        self.depth = len(model.blocks)
        self.embed_dim = int(model.embed_dim)
        grid = model.patch_embed.grid_size
        self.tokens0 = int(grid[0] * grid[1]) + 1
        self._keys: dict[int, torch.Tensor] = {}
        # the hook hands keys to run_blocks through _keys: one caller at a time per model
        self._lock = threading.Lock()
        for i, blk in enumerate(model.blocks):
            blk.attn.qkv.register_forward_hook(self._key_hook(i, blk.attn))

    def _key_hook(self, index: int, attn: nn.Module):
        def hook(_module: nn.Module, _inp: tuple, out: torch.Tensor) -> None:
            b, n, _ = out.shape
            k = out.reshape(b, n, 3, attn.num_heads, attn.head_dim)[:, :, 1].transpose(1, 2)
            self._keys[index] = attn.k_norm(k).mean(dim=1)
        return hook

    def check_schedule(self, schedule: Sequence[int]) -> None:
        """Reject a schedule of the wrong length (a schedule is one entry per block)."""
        if len(schedule) != self.depth:
            raise ValueError(f'schedule has {len(schedule)} entries, model has '
                             f'{self.depth} blocks')

    @torch.inference_mode()
    def embed(self, images: torch.Tensor, track_source: bool = False) -> TokenState:
        """Patch + position embedding (robot side, always); ``images`` is (B, 3, H, W)."""
        m = self.model
        x = m.norm_pre(m.patch_drop(m._pos_embed(m.patch_embed(images))))
        source = None
        if track_source:
            source = torch.arange(x.shape[1]).expand(x.shape[0], -1).clone()
        return TokenState(x=x, source=source)

    @torch.inference_mode()
    def run_blocks(self, state: TokenState, first: int, last: int,
                   schedule: Sequence[int]) -> TokenState:
        """Run blocks ``first``..``last`` (1-based, inclusive) with ``schedule`` merging.

        Thread-safe: callers sharing one model take turns (the keys pass through shared state).
        """
        self.check_schedule(schedule)
        x, size, source = state.x, state.size, state.source
        with self._lock:
            for index in range(first - 1, min(last, self.depth)):
                blk = self.model.blocks[index]
                bias = None if size is None else size.log().transpose(1, 2).unsqueeze(1)
                x = x + blk.drop_path1(blk.ls1(blk.attn(blk.norm1(x), attn_mask=bias)))
                match = bipartite_soft_matching(self._keys.pop(index), schedule[index])
                if match is not None:
                    if source is not None:
                        source = merge_source(match, source, x.shape[1])
                    if size is None:
                        size = torch.ones(*x.shape[:2], 1, dtype=x.dtype, device=x.device)
                    x, size = merge_tokens(match, x, size)
                x = x + blk.drop_path2(blk.ls2(blk.mlp(blk.norm2(x))))
        return TokenState(x=x, size=size, source=source)

    @torch.inference_mode()
    def head(self, state: TokenState) -> torch.Tensor:
        """Apply the final norm, pooling (size-weighted for 'avg') and the classifier."""
        m = self.model
        x = m.norm(state.x)
        if m.global_pool == 'avg' and state.size is not None:
            w = state.size[:, 1:]
            pooled = (x[:, 1:] * w).sum(dim=1) / w.sum(dim=1)
            return m.head(m.head_drop(m.fc_norm(pooled)))
        return m.forward_head(x)

    def robot_part(self, images: torch.Tensor, split: int, schedule: Sequence[int],
                   track_source: bool = False) -> TokenState:
        """Embedding and blocks 1..split."""
        return self.run_blocks(self.embed(images, track_source), 1, split, schedule)

    def cloud_part(self, state: TokenState, split: int, schedule: Sequence[int]) -> torch.Tensor:
        """Blocks split+1..N, norm and head: the logits."""
        return self.head(self.run_blocks(state, split + 1, self.depth, schedule))

    def forward(self, images: torch.Tensor, schedule: Sequence[int]) -> torch.Tensor:
        """Run the whole model with merging, unsplit."""
        return self.cloud_part(self.robot_part(images, 0, schedule), 0, schedule)
