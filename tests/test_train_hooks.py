"""Tests for the two hooks lesson 02 uses: `train(..., on_step=...)` and a fixed temperature."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
import torch

from mmlab import toyworld
from mmlab.models.toy_clip import build_toy_model
from mmlab.training import get_config, train

TINY = dict(width=32, layers=1, heads=2, proj_dim=16, batch_size=16, eval_every=3)


@pytest.fixture(scope="module")
def small_val():
    val = toyworld.load("val")
    return SimpleNamespace(images=val.images[:40], captions=val.captions[:40])


def test_on_step_sees_every_step_and_the_model_being_trained(small_val):
    seen, processors = [], []

    def on_step(step, model, processor):
        processors.append(processor)
        seen.append((step, model.training, model.logit_scale.detach().clone()))

    result = train(get_config("live", steps=3, **TINY), progress=False, val=small_val,
                   on_step=on_step)  # fmt: skip
    assert [step for step, _, _ in seen] == [1, 2, 3]
    assert all(training for _, training, _ in seen)
    assert all(processor is result.processor for processor in processors)
    assert [s.exp().item() for _, _, s in seen] == pytest.approx(result.history.scale)


def test_the_scale_is_learned_by_default_and_fixed_on_request(small_val):
    for kind in ("clip", "siglip"):
        learned = train(get_config("live", steps=3, kind=kind, **TINY), progress=False,
                        val=small_val).history.scale  # fmt: skip
        first_weights = []

        def keep_first(step, model, processor, kept=first_weights):
            if step == 1:
                kept.extend(p.detach().clone() for p in model.parameters() if p.ndim >= 2)

        fixed_run = train(get_config("live", steps=3, kind=kind, learn_scale=False, **TINY),
                          progress=False, val=small_val, on_step=keep_first)  # fmt: skip
        final_weights = [p for p in fixed_run.model.parameters() if p.ndim >= 2]
        assert len(set(learned)) > 1, f"{kind}: the learned scale never moved"
        assert len(set(fixed_run.history.scale)) == 1, f"{kind}: the fixed scale moved"
        moved = [not torch.equal(a, b) for a, b in zip(first_weights, final_weights)]
        assert sum(moved) > len(moved) // 2, f"{kind}: the other weights froze too"
        if kind == "siglip":  # the bias still learns when the scale is fixed
            assert len(set(fixed_run.history.bias)) > 1


def test_a_fixed_temperature_starts_and_stays_where_the_config_puts_it(small_val):
    for tau in (0.01, 1.0):
        run = train(get_config("live", steps=2, learn_scale=False, temperature_init=tau, **TINY),
                    progress=False, val=small_val)  # fmt: skip
        assert run.history.scale == pytest.approx([1 / tau, 1 / tau], rel=1e-5)
    default = train(get_config("live", steps=1, learn_scale=False, **TINY), progress=False,
                    val=small_val)  # fmt: skip
    assert default.history.scale == pytest.approx([1 / 0.07], rel=1e-5)  # CLIP's own start
    with pytest.raises(ValueError, match="temperature_init"):
        get_config("live", temperature_init=0.001)
    assert get_config("gap-tau-1").temperature_init == 1.0
    assert not get_config("gap-tau-1").learn_scale


def test_the_temperature_twins_change_only_toy_clips_temperature():
    from dataclasses import asdict

    toy_clip = asdict(get_config("toy-clip"))
    temperature = {"learn_scale", "temperature_init"}
    for name, changed in (
        ("gap-tau-0.01", temperature),
        ("gap-tau-learned", temperature | {"steps"}),  # twice as long, to reach toy-clip's recall
        ("gap-tau-1", temperature),
    ):
        twin = asdict(get_config(name))
        assert {k for k in twin if twin[k] != toy_clip[k]} <= changed, name
    assert get_config("gap-tau-learned").learn_scale
    assert get_config("gap-tau-learned").temperature_init is None  # CLIP's own start, 0.07
    assert get_config("toy-clip").temperature_init == 0.1 and not get_config("toy-clip").learn_scale


def test_a_run_stops_once_validation_recall_reaches_its_mark(small_val, monkeypatch):
    from mmlab.training import loop

    def scripted(model, processor, val, history, step):  # recall 0.1, 0.5, 0.95, ... by eval
        history.eval_step.append(step)
        history.val_recall_at_1.append([0.1, 0.5, 0.95, 0.99][len(history.eval_step) - 1])
        history.val_recall_at_5.append(1.0)

    monkeypatch.setattr(loop, "validate", scripted)
    for mark, last in ((0.5, 6), (0.9, 9), (0.999, 12)):
        config = get_config("live", steps=12, **TINY, stop_at_val_r1=mark)
        history = train(config, progress=False, val=small_val).history
        assert history.eval_step[-1] == last and history.step[-1] == last, mark
    for bad in (0.0, 1.5):
        with pytest.raises(ValueError, match="stop_at_val_r1"):
            get_config("live", stop_at_val_r1=bad)


def test_centring_at_init_puts_both_clouds_on_one_centre(small_val):
    from mmlab.geometry import modality_gap
    from mmlab.training.loop import centre_towers
    from mmlab.training.metrics import embed_images, embed_texts

    config = get_config("live", steps=1, **TINY)
    model, processor = build_toy_model(toyworld.vocabulary(), seed=0, **config.model_kwargs())
    images, captions = small_val.images, small_val.captions

    def gap():
        return modality_gap(
            embed_images(model, processor, images), embed_texts(model, processor, captions)
        ).centroid_distance

    before = gap()
    left = centre_towers(model, processor, images, captions)
    assert before > 0.5  # each untrained tower has its own cone
    assert left < 0.01 and gap() == pytest.approx(left, abs=1e-3)  # moves later embeddings too
    assert model.vision_model.post_layernorm.bias.abs().sum() > 0
    with pytest.raises(ValueError, match="centre_at_init"):
        get_config("live", kind="siglip", centre_at_init=True)
    assert get_config("gap-tau-0.01-shifted").centre_at_init


def test_a_run_can_continue_a_shipped_checkpoint():
    import mmlab
    from mmlab.training.loop import checkpoint_to_continue

    model, processor = checkpoint_to_continue("gap-tau-0.01")
    shipped = mmlab.load_model("gap-tau-0.01").model
    for (name, ours), theirs in zip(model.named_parameters(), shipped.parameters()):
        assert ours.requires_grad and ours.dtype == torch.float32, name
        assert torch.equal(ours, theirs.float()), name
    with pytest.raises(ValueError, match="start_from"):
        get_config("live", start_from="")
    assert get_config("gap-tau-0.01-shifted").start_from == "gap-tau-0.01"
    assert get_config("toy-clip-shifted").start_from == "toy-clip"


def test_make_checkpoints_trains_a_parent_before_the_model_continued_from_it():
    from mmlab.training.configs import training_order

    names = ["gap-tau-0.01-shifted", "toy-clip-shifted", "gap-tau-1", "toy-clip", "gap-tau-0.01"]
    ordered = training_order(names)
    assert sorted(ordered) == sorted(names)
    for child, parent in (
        ("gap-tau-0.01-shifted", "gap-tau-0.01"),
        ("toy-clip-shifted", "toy-clip"),
    ):
        assert ordered.index(parent) < ordered.index(child)
    assert training_order(["gap-tau-1", "toy-clip"]) == ["gap-tau-1", "toy-clip"]  # else as given
    assert training_order(["toy-clip-shifted"]) == ["toy-clip-shifted"]  # a parent not listed
    with pytest.raises(ValueError, match="no-such-model"):
        training_order(["toy-clip", "no-such-model"])
