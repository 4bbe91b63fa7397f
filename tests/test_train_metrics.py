"""Tests for mmlab.training.metrics and mmlab.training.card on hand-built vectors and histories."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab import toyworld
from mmlab.models.toy_clip import build_toy_model
from mmlab.training import History
from mmlab.training.card import hand_written_sections, loss_table, text_plot, window_means
from mmlab.training.metrics import (
    distinct_caption_indices,
    quality_metrics,
    retrieval_recall,
    tokenize,
    zero_shot_accuracy,
)

EYE = np.eye(4, dtype=np.float32)


def test_distinct_captions_drop_every_copy_of_a_repeat():
    assert distinct_caption_indices(["a", "b", "a", "c"]) == [1, 3]


def test_retrieval_recall_by_hand():
    # text 0 leans towards image 1 (0.8) more than to its own image 0 (0.6)
    texts = EYE.copy()
    texts[0] = [0.6, 0.8, 0.0, 0.0]
    captions = ["w", "x", "y", "z"]
    r1 = retrieval_recall(EYE, texts, captions, k=1)
    assert r1["n"] == 4
    assert r1["t2i"] == pytest.approx(3 / 4)  # text 0 ranks its image second
    r2 = retrieval_recall(EYE, texts, captions, k=2)
    assert r2["t2i"] == 1.0


def test_retrieval_recall_leaves_out_repeated_captions():
    texts = EYE[[1, 0, 2, 3]]  # scenes 0 and 1 swap texts: both wrong ...
    captions = ["same", "same", "y", "z"]  # ... but they share a caption, so they are left out
    r1 = retrieval_recall(EYE, texts, captions, k=1)
    assert r1 == {"t2i": 1.0, "i2t": 1.0, "n": 2}
    with pytest.raises(ValueError, match="distinct caption"):
        retrieval_recall(EYE, texts, captions, k=3)


def test_zero_shot_accuracy_by_hand():
    images = EYE[:3]
    prompts = EYE[[0, 1, 2]]
    assert zero_shot_accuracy(images, prompts, ["red", "blue", "red"], ["red", "red", "red"]) == (
        pytest.approx(2 / 3)
    )
    with pytest.raises(ValueError, match="counts must match"):
        zero_shot_accuracy(images, prompts, ["red", "blue"], ["red", "red", "red"])


def test_quality_metrics_with_an_oracle_and_with_a_useless_model():
    test = toyworld.load("test")
    pairs = [(c, s) for c in toyworld.COLORS for s in toyworld.SHAPES]
    n, index = len(test), {caption: i for i, caption in enumerate(test.captions)}

    def encode_images(images):  # scene i -> axis i, plus its colour-shape axis if it is alone
        out = np.zeros((len(images), n + len(pairs)), dtype=np.float32)
        for i, factors in enumerate(test.factors):
            out[i, i] = 1.0
            if factors["count"] == 1:
                obj = factors["objects"][0]
                out[i, n + pairs.index((obj["color"], obj["shape"]))] = 1.0
        return out / np.linalg.norm(out, axis=1, keepdims=True)

    def encode_texts(texts):  # a caption -> its scene's axis; "a red circle" -> its pair's axis
        out = np.zeros((len(texts), n + len(pairs)), dtype=np.float32)
        for row, text in enumerate(texts):
            words = text.split()
            column = index[text] if text in index else n + pairs.index((words[1], words[2]))
            out[row, column] = 1.0
        return out

    metrics = quality_metrics(encode_images, encode_texts, test)
    assert metrics["distinct_caption_scenes"] == n
    assert metrics["t2i_recall_at_1"] == metrics["i2t_recall_at_1"] == 1.0
    assert metrics["zero_shot_color"] == metrics["zero_shot_shape"] == 1.0
    assert metrics["single_object_scenes"] == sum(f["count"] == 1 for f in test.factors)

    def constant(items):
        return np.ones((len(items), 3), np.float32) / np.sqrt(3)

    useless = quality_metrics(constant, constant, test)
    assert useless["t2i_recall_at_1"] == useless["i2t_recall_at_1"] == 0.0  # ties count as misses


def test_tokenize_refuses_to_cut_a_caption():
    _, processor = build_toy_model(
        toyworld.vocabulary(), "clip", width=16, layers=1, heads=2, max_length=6
    )
    assert tokenize(processor, ["a red circle"])["input_ids"].shape == (1, 5)
    with pytest.raises(ValueError, match="caption 1 .* max_length=6"):
        tokenize(processor, ["a red circle", "a small red circle above a large blue star"])


def test_siglip_captions_are_padded_to_max_length():
    _, processor = build_toy_model(
        toyworld.vocabulary(), "siglip", width=16, layers=1, heads=2, max_length=12
    )
    assert tokenize(processor, ["a red circle"])["input_ids"].shape == (1, 12)


def test_card_helpers_summarise_a_history():
    history = History(
        step=list(range(1, 21)), loss=[float(20 - s) for s in range(20)], scale=[14.0] * 20
    )
    history.eval_step, history.val_recall_at_5 = [10, 20], [0.5, 0.9]
    ends, means = window_means(history.loss, 4)
    assert ends == [5, 10, 15, 20] and means == [18.0, 13.0, 8.0, 3.0]
    table = loss_table(history, rows=4)
    assert "| 20 | 3.0000 | 14.00 | 0.900 (step 20) |" in table
    assert "| 5 | 18.0000 | 14.00 | - |" in table
    plot = text_plot(history.loss, width=20, height=5)
    assert plot.splitlines()[0].startswith(" 20.000 |*")


def test_hand_written_sections_are_what_follows_the_config_block(tmp_path):
    card = tmp_path / "README.md"
    assert hand_written_sections(card) == ""  # no earlier card
    generated = '# m\n\n## Loss curve\n\n```\n1 |*\n```\n\n## Config\n\n```json\n{"a": 1}\n```\n'
    card.write_text(generated, encoding="utf-8")
    assert hand_written_sections(card) == ""  # nothing appended
    card.write_text(generated + "\n## What it took\n\nA table.\n", encoding="utf-8")
    assert hand_written_sections(card) == "## What it took\n\nA table."
    card.write_text("# m\n\nno config block\n", encoding="utf-8")
    assert hand_written_sections(card) == ""
