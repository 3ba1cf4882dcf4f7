# Copyright 2026 janus_ros maintainers. Licensed under the Apache License, Version 2.0.
"""Splitting and merging on real timm models with random weights."""
import threading

import numpy as np
import pytest
import timm
import torch

from janus_ros.core import schedule as S
from janus_ros.core.split_vit import SplitViT, UnsupportedModelError


@pytest.fixture(scope='module')
def images():
    return torch.from_numpy(np.random.default_rng(0).normal(size=(2, 3, 224, 224))).float()


@pytest.mark.parametrize('engine_name', ['tiny_engine', 'small_engine'])
def test_split_equals_unsplit_for_every_s(engine_name, images, request):
    vit = request.getfixturevalue(engine_name).vit
    with torch.inference_mode():
        reference = vit.model(images)
    none = S.constant_schedule(0, vit.depth, vit.tokens0)
    for s in range(vit.depth + 2):
        out = vit.cloud_part(vit.robot_part(images, s, none), s, none)
        assert torch.allclose(out, reference, atol=1e-5, rtol=0), f'split {s}'


@pytest.mark.parametrize('engine_name', ['tiny_engine', 'small_engine'])
@pytest.mark.parametrize('kind', ['janus', 'tome'])
def test_split_with_merging_equals_merged_unsplit(engine_name, kind, images, request):
    vit = request.getfixturevalue(engine_name).vit
    if kind == 'janus':
        sched = S.janus_schedule(0.3, vit.depth, vit.tokens0)
    else:
        sched = S.constant_schedule(13, vit.depth, vit.tokens0)
    reference = vit.forward(images, sched)
    with torch.inference_mode():
        unmerged = vit.model(images)
    assert not torch.allclose(reference, unmerged, atol=1e-3), 'merging must change the output'
    counts = S.token_counts(sched, vit.tokens0)
    for s in range(vit.depth + 2):
        state = vit.robot_part(images, s, sched, track_source=True)
        assert state.tokens == counts[min(s, vit.depth)]
        out = vit.cloud_part(state, s, sched)
        assert torch.allclose(out, reference, atol=1e-5, rtol=0), f'split {s}'


def test_merging_invariants(tiny_engine, images):
    vit = tiny_engine.vit
    sched = S.janus_schedule(S.alpha_max(vit.depth, vit.tokens0), vit.depth, vit.tokens0)
    counts = S.token_counts(sched, vit.tokens0)
    state = vit.embed(images, track_source=True)
    for layer in range(1, vit.depth + 1):
        state = vit.run_blocks(state, layer, layer, sched)
        assert state.tokens == counts[layer]
        sizes = state.sizes()
        assert torch.allclose(sizes.sum(dim=1), torch.full((2,), float(vit.tokens0)))
        # CLS stays at index 0, alone: only the CLS patch maps to token 0, with size 1
        assert (state.source[:, 0] == 0).all() and ((state.source == 0).sum(dim=1) == 1).all()
        assert (sizes[:, 0] == 1).all()
        # every token holds exactly the patches the source map gives it
        for b in range(2):
            held = torch.bincount(state.source[b], minlength=state.tokens).float()
            assert torch.equal(held, sizes[b])


def test_alpha_zero_changes_nothing(tiny_engine, images):
    vit = tiny_engine.vit
    with torch.inference_mode():
        reference = vit.model(images)
    sched = S.janus_schedule(0.0, vit.depth, vit.tokens0)
    assert torch.equal(vit.forward(images, sched), reference)


def test_avg_pool_model_is_size_weighted():
    model = timm.create_model('vit_tiny_patch16_224', pretrained=False, global_pool='avg',
                              class_token=True, img_size=64, depth=4)
    vit = SplitViT(model)
    x = torch.randn(1, 3, 64, 64)
    none = S.constant_schedule(0, 4, vit.tokens0)
    with torch.inference_mode():
        assert torch.allclose(vit.forward(x, none), model(x), atol=1e-5)
    state = vit.embed(x)
    state.x = state.x[:, :9]
    with torch.inference_mode():
        plain = model.forward_head(model.norm(state.x))
    state.size = torch.full((1, 9, 1), 2.0)  # equal sizes: weighting changes nothing
    assert torch.allclose(vit.head(state), plain, atol=1e-6)
    state.size[0, 1, 0] = 7.0  # one heavy token pulls the pooled vector
    assert not torch.allclose(vit.head(state), plain, atol=1e-4)


def test_rejects_models_it_cannot_split():
    with pytest.raises(UnsupportedModelError):
        SplitViT(timm.create_model('vit_tiny_patch16_224', pretrained=False, img_size=32,
                                   depth=1, reg_tokens=4))
    with pytest.raises(UnsupportedModelError):
        SplitViT(torch.nn.Linear(2, 2))


def test_schedule_length_is_checked(tiny_engine, images):
    with pytest.raises(ValueError, match='entries'):
        tiny_engine.vit.forward(images, (0,) * 3)


def test_checkpoint_file_loads_every_weight(tmp_path):
    """A local checkpoint loads in full (the head too) and fingerprints reproducibly."""
    from safetensors.torch import load_file, save_file

    from janus_ros.core.models import ModelSpec, build_model, weights_fingerprint
    kwargs = dict(img_size=32, patch_size=8, depth=2, num_classes=7)
    source = build_model(ModelSpec('vit_tiny_patch16_224', seed=3, model_kwargs=kwargs))
    path = tmp_path / 'w.safetensors'
    save_file({k: v.contiguous() for k, v in source.state_dict().items()}, str(path))
    spec = ModelSpec('vit_tiny_patch16_224', weights=str(path), model_kwargs=kwargs)
    a, b = build_model(spec), build_model(spec)
    saved = load_file(str(path))
    assert all(torch.equal(a.state_dict()[k], saved[k]) for k in saved)
    assert weights_fingerprint(a) == weights_fingerprint(b) == weights_fingerprint(source)
    assert not spec.random_weights


def test_threads_sharing_one_model_get_their_own_answers(tiny_engine, images):
    # keys reach the merge through per-model state: without the model's lock, one thread's
    # keys would be merged with the other thread's tokens
    n, x0 = tiny_engine.depth, tiny_engine.tokens0
    scheds = [S.janus_schedule(a, n, x0) for a in (0.2, 0.5)]
    expected = [tiny_engine.vit.forward(images, s) for s in scheds]
    results: dict[int, list[torch.Tensor]] = {0: [], 1: []}

    def run(i: int) -> None:
        for _ in range(8):
            results[i].append(tiny_engine.vit.forward(images, scheds[i]))

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in (0, 1):
        assert len(results[i]) == 8
        for got in results[i]:
            torch.testing.assert_close(got, expected[i], rtol=1e-5, atol=1e-5)
