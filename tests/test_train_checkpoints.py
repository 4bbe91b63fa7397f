"""The shipped trained checkpoints: sizes, cards, and the quality bars of the default model,
measured on the shipped weights and the shipped test set through mmlab.load_model."""

from __future__ import annotations

import json

import numpy as np
import pytest

from mmlab import toyworld
from mmlab.paths import models_dir
from mmlab.training import CONFIGS
from mmlab.training.metrics import quality_metrics

SHIPPED = ["toy-clip", "toy-clip-negclip", "toy-siglip"]
SHIPPED += ["label-words-0", "label-words-0.25", "label-words-0.5", "label-words-1"]  # lesson 06
SHIPPED += ["toy-clip-negated", "toy-clip-few-counts", "toy-clip-few-counts-countneg"]  # lesson 05
MB = 1024 * 1024


def _folder_bytes(name: str) -> int:
    return sum(f.stat().st_size for f in (models_dir() / name).iterdir() if f.is_file())


def _history(name: str) -> dict:
    return json.loads((models_dir() / name / "training_history.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", SHIPPED)
def test_each_checkpoint_is_trained_small_and_carded(name):
    folder = models_dir() / name
    assert (folder / "model.safetensors").is_file(), f"{folder} holds no weights"
    assert _folder_bytes(name) <= 5 * MB
    card = (folder / "README.md").read_text(encoding="utf-8")
    for needed in (f"--config {name}", "wall time", "hardware", "## Loss curve", "## Config"):
        assert needed in card, f"{name}'s card lacks {needed!r}"
    history = _history(name)
    assert history["step"][-1] == CONFIGS[name].steps  # trained for the whole named recipe


def test_all_checkpoints_together_fit_the_budget():
    assert sum(_folder_bytes(name) for name in SHIPPED) <= 25 * MB


@pytest.fixture(scope="module")
def default_metrics():
    import mmlab

    embedder = mmlab.load_model(models_dir() / "toy-clip")
    return quality_metrics(embedder.encode_image, embedder.encode_text, toyworld.load("test"))


def test_default_model_retrieves_at_rank_one(default_metrics):
    assert default_metrics["distinct_caption_scenes"] >= 400
    assert default_metrics["t2i_recall_at_1"] >= 0.90
    assert default_metrics["i2t_recall_at_1"] >= 0.90


def test_default_model_names_colours_zero_shot(default_metrics):
    assert default_metrics["single_object_scenes"] >= 50
    assert default_metrics["zero_shot_color"] >= 0.95


def test_default_model_names_shapes_zero_shot(default_metrics):
    assert default_metrics["zero_shot_shape"] >= 0.95


def test_default_model_beats_chance_clearly(default_metrics):
    # what the shipped model does reach: Recall@5 far above chance (5 / 500 = 0.01)
    assert default_metrics["t2i_recall_at_5"] >= 0.90
    assert default_metrics["i2t_recall_at_5"] >= 0.90


def test_default_card_reports_what_the_shipped_weights_measure(default_metrics):
    card = (models_dir() / "toy-clip" / "README.md").read_text(encoding="utf-8")
    front = card.split("---")[1]
    reported = json.loads(front.split("metrics:", 1)[1].strip().splitlines()[0])
    for key in ("t2i_recall_at_1", "i2t_recall_at_1", "zero_shot_color", "zero_shot_shape"):
        assert reported[key] == pytest.approx(default_metrics[key], abs=0.01), key


def test_default_loss_is_no_longer_falling_steeply():
    # The last tenth of training removed under 5% of the loss's whole fall.
    loss = np.asarray(_history("toy-clip")["loss"])
    tenth = len(loss) // 10
    start, before_last, last = (
        loss[:tenth].mean(),
        loss[-2 * tenth : -tenth].mean(),
        loss[-tenth:].mean(),
    )
    assert start - last > 0
    assert (before_last - last) / (start - last) < 0.05


GAP_TWINS = ["gap-tau-0.01", "gap-tau-1", "gap-tau-learned"]
GAP_TWINS += ["gap-tau-0.01-shifted", "toy-clip-shifted"]


@pytest.mark.parametrize("name", GAP_TWINS)
def test_each_gap_twin_trained_its_whole_recipe_and_its_card_says_how(name):
    config, history = CONFIGS[name], _history(name)
    card = (models_dir() / name / "README.md").read_text(encoding="utf-8")
    for needed in (f"--config {name}", "wall time", "hardware", "## Config"):
        assert needed in card, f"{name}'s card lacks {needed!r}"
    assert history["step"][-1] == config.steps
    if not config.learn_scale:  # a fixed temperature stayed where the config put it
        assert history["scale"][-1] == pytest.approx(1 / config.temperature_init, rel=1e-4)
    if config.start_from is not None:  # a shifted twin says what it continued from
        assert "from scratch" not in card
        assert f"the weights of data/models/{config.start_from}" in card
