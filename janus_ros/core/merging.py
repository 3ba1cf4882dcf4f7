# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Token merging (ToMe, Bolya et al., ICLR 2023), written from the paper's description.

Bipartite soft matching: tokens alternate into sets A (even indices) and B (odd); each A token
picks its most similar B token by cosine similarity of the attention keys (mean over heads); the
r best-matched A tokens are merged into their B partners as size-weighted averages. CLS (index 0,
in A) never merges. Unmerged A tokens keep their relative order in front, so CLS stays at 0.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import torch


@dataclass(frozen=True)
class Matching:
    """Which A tokens merge into which B tokens (all index tensors are batched, shape (B, *))."""

    unmerged: torch.Tensor  # A-indices that stay, ascending
    merged: torch.Tensor    # A-indices that merge away
    into: torch.Tensor      # B-index each merged A token joins

    @property
    def kept_a(self) -> int:
        """Number of A tokens that survive."""
        return self.unmerged.shape[1]


def bipartite_soft_matching(keys: torch.Tensor, r: int) -> Optional[Matching]:
    """Match the r most similar (A, B) pairs of ``keys`` (B, N, C); None when nothing merges."""
    n = keys.shape[1]
    r = min(r, (n - 1) // 2)
    if r <= 0:
        return None
    metric = keys / keys.norm(dim=-1, keepdim=True).clamp_min(1e-12)
    a, b = metric[:, ::2], metric[:, 1::2]
    scores = a @ b.transpose(-1, -2)
    scores[:, 0, :] = -torch.inf  # CLS is never merged
    best, best_b = scores.max(dim=-1)
    order = best.argsort(dim=-1, descending=True)
    merged = order[:, :r]
    unmerged = order[:, r:].sort(dim=-1).values
    return Matching(unmerged=unmerged, merged=merged, into=best_b.gather(1, merged))


def _take(t: torch.Tensor, idx: torch.Tensor) -> torch.Tensor:
    """Gather rows ``idx`` (B, K) from ``t`` (B, N, C)."""
    return t.gather(1, idx.unsqueeze(-1).expand(-1, -1, t.shape[-1]))


def merge_tokens(m: Matching, x: torch.Tensor, size: torch.Tensor
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Merge ``x`` (B, N, C) with token sizes ``size`` (B, N, 1) as size-weighted averages."""
    weighted = torch.cat([x * size, size], dim=-1)  # carry sizes through the same scatter
    a, b = weighted[:, ::2], weighted[:, 1::2]
    idx = m.into.unsqueeze(-1).expand(-1, -1, weighted.shape[-1])
    b = b.scatter_reduce(1, idx, _take(a, m.merged), reduce='sum')
    out = torch.cat([_take(a, m.unmerged), b], dim=1)
    new_size = out[..., -1:]
    return out[..., :-1] / new_size, new_size


def merge_source(m: Matching, source: torch.Tensor, tokens: int) -> torch.Tensor:
    """Update ``source`` (B, N0): for each original patch, the token now holding it."""
    batch = source.shape[0]
    kept = m.kept_a
    dev = source.device
    n_a = (tokens + 1) // 2
    a_new = torch.empty(batch, n_a, dtype=torch.long, device=dev)
    a_new.scatter_(1, m.unmerged, torch.arange(kept, device=dev).expand(batch, -1))
    a_new.scatter_(1, m.merged, kept + m.into)
    old_to_new = torch.empty(batch, tokens, dtype=torch.long, device=dev)
    old_to_new[:, ::2] = a_new
    old_to_new[:, 1::2] = kept + torch.arange(tokens // 2, device=dev)
    return old_to_new.gather(1, source)
