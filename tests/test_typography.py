"""Typographic-attack items and predictions on hand-built scenes and a fake text encoder."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.toyworld import make_scene
from mmlab.typography import AttackItem, attack_item, label, predict, without_word


def test_label_is_the_toy_caption():
    assert label("orange", "semicircle") == "an orange semicircle"
    assert label("red", "circle", "star") == "a red circle with the word star written on it"
    with pytest.raises(ValueError, match="unknown colour 'teal'"):
        label("teal", "circle")


def test_a_colour_word_attacks_the_colour():
    scene = make_scene([("semicircle", "brown", "small", 0, 1)], word="orange")
    item = attack_item(scene)
    assert item.attribute == "color" and item.word == "orange"
    assert item.true == "a brown semicircle" and item.written == "an orange semicircle"
    assert len(item.candidates) == 9 and item.true in item.candidates
    assert item.written in item.candidates
    assert all(c.endswith(" semicircle") for c in item.candidates)


def test_a_shape_word_attacks_the_shape():
    item = attack_item(make_scene([("heart", "green", "large", 1, 2)], word="star"))
    assert item.attribute == "shape"
    assert (item.true, item.written) == ("a green heart", "a green star")
    assert len(item.candidates) == 8 and all(c.startswith("a green ") for c in item.candidates)


def test_attack_item_names_bad_scenes():
    with pytest.raises(ValueError, match="no written word"):
        attack_item(make_scene([("heart", "green", "large", 1, 2)]))
    with pytest.raises(ValueError, match="names the object itself"):
        attack_item(make_scene([("heart", "green", "large", 1, 2)], word="green"))
    two = make_scene(
        [("heart", "green", "large", 1, 2), ("star", "red", "small", 0, 0)], word="red"
    )
    with pytest.raises(ValueError, match="one object, this one 2"):
        attack_item(two)
    with pytest.raises(TypeError, match="Scene"):
        attack_item("a green heart")


def test_without_word_keeps_everything_else():
    scene = make_scene([("heart", "green", "large", 1, 2)], word="star")
    clean = without_word(scene)
    assert clean.word is None and clean.objects == scene.objects
    with pytest.raises(ValueError, match="only the word 'star'"):
        without_word(make_scene([], word="star"))


class FakeEncoder:
    """Text vectors: one axis per colour; naming a word adds a fixed extra axis."""

    colors = ["red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black"]

    def __init__(self):
        self.calls = []

    def encode_text(self, texts):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 11))
        for i, t in enumerate(texts):
            colour = next(c for c in self.colors if f" {c} " in f" {t} ")
            out[i, self.colors.index(colour)] = 1.0
            out[i, 10] = 1.0 if "written on it" in t else 0.0
        return out


def test_predict_picks_the_closest_candidate_and_encodes_each_prompt_once():
    items = [
        attack_item(make_scene([("circle", "red", "small", 0, 0)], word="blue")),
        attack_item(make_scene([("square", "red", "small", 0, 0)], word="green")),
    ]
    vectors = np.zeros((2, 11))
    vectors[0, 4] = 1.0  # looks blue: the attack won
    vectors[1, 0] = 1.0  # looks red
    encoder = FakeEncoder()
    assert predict(encoder, vectors, items) == ["a blue circle", "a red square"]
    assert len(encoder.calls) == 1 and len(encoder.calls[0]) == 18  # 9 colours x 2 shapes
    named = predict(encoder, vectors, items, named_words=["blue", None])
    assert named == ["a blue circle", "a red square"]  # predictions are plain labels
    assert "a red circle with the word blue written on it" in encoder.calls[-1]


def test_predict_names_bad_input():
    items = [attack_item(make_scene([("circle", "red", "small", 0, 0)], word="blue"))]
    encoder = FakeEncoder()
    with pytest.raises(ValueError, match="one row per item"):
        predict(encoder, np.zeros((2, 11)), items)
    with pytest.raises(ValueError, match="named_words has 2 entries for 1 items"):
        predict(encoder, np.zeros((1, 11)), items, named_words=["blue", "red"])
    with pytest.raises(ValueError, match="unknown named word 'iPod'"):
        predict(encoder, np.zeros((1, 11)), items, named_words=["iPod"])
    with pytest.raises(TypeError, match="item 0 is a str"):
        predict(encoder, np.zeros((1, 11)), ["a red circle"])
    assert isinstance(items[0], AttackItem)
