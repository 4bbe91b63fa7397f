"""The training stream: batch contents, rendered words, and held-out compositions kept out."""

from __future__ import annotations

import re

import numpy as np
import pytest

from mmlab import toyworld as tw

HELD_OUT_TEXT = re.compile(
    "|".join(f"\\b{c} {s}s?\\b" for c, s in tw.HELD_OUT_PAIRS)
    + r"|\bthree (small |large )?(\w+ )?circles\b"
)


def test_batch_shapes_and_negatives():
    batch = tw.training_batch(np.random.default_rng(0), 32, size=48, hard_negatives=True)
    assert batch.images.shape == (32, 48, 48, 3) and batch.images.dtype == np.uint8
    assert len(batch.captions) == len(batch.negatives) == len(batch.scenes) == 32
    assert all(c != n for c, n in zip(batch.captions, batch.negatives))
    assert batch.audio is None
    with_audio = tw.training_batch(np.random.default_rng(0), 4, audio=True)
    assert with_audio.audio.shape[0] == 4 and with_audio.audio.dtype == np.float32


def test_held_out_compositions_never_appear_in_the_training_stream():
    rng = np.random.default_rng(123)
    texts, held = [], 0
    for _ in range(10):
        batch = tw.training_batch(rng, 1000, words_fraction=0.2, hard_negatives=True)
        held += sum(tw.is_held_out(s) for s in batch.scenes)
        texts += batch.captions + batch.negatives
    assert held == 0
    assert not [t for t in texts if HELD_OUT_TEXT.search(t)]
    # The same draw without holdout shows them often: the check above is not vacuous.
    open_batch = tw.training_batch(rng, 2000, holdout=False)
    assert sum(tw.is_held_out(s) for s in open_batch.scenes) > 100
    assert sum(bool(HELD_OUT_TEXT.search(t)) for t in open_batch.captions) > 100


def test_every_held_out_pair_and_count_is_reachable_without_holdout():
    rng = np.random.default_rng(7)
    reasons = set()
    for scene in tw.sample_scenes(rng, 5000, holdout=False):
        reasons.update(tw.held_out_reasons(scene))
    expected = {f"{c} {s}" for c, s in tw.HELD_OUT_PAIRS} | {"3 circles"}
    assert expected <= reasons


def test_rendered_words_are_mentioned_and_come_from_the_vocabulary():
    batch = tw.training_batch(np.random.default_rng(1), 400, words_fraction=0.5)
    with_word = [(s, c) for s, c in zip(batch.scenes, batch.captions) if s.word is not None]
    assert 140 < len(with_word) < 260
    vocab = set(tw.vocabulary())
    for scene, caption in with_word:
        assert scene.word in vocab and scene.font == tw.TRAINING_FONT
        assert caption.endswith(f"with the word {scene.word} written on it")
    none = tw.training_batch(np.random.default_rng(1), 200)
    assert all(s.word is None and "word" not in c for s, c in zip(none.scenes, none.captions))


def test_naming_and_silent_words_are_written_but_never_mentioned():
    batch = tw.training_batch(
        np.random.default_rng(3), 800, words_fraction=0.1, naming_words=0.3, silent_words=0.2
    )
    pairs = list(zip(batch.scenes, batch.captions))
    mentioned = [s for s, c in pairs if s.word is not None and "word" in c]
    unmentioned = [s for s, c in pairs if s.word is not None and "word" not in c]
    assert 40 < len(mentioned) < 120 and 320 < len(unmentioned) < 480
    naming = [s for s in unmentioned if s.word in {o.shape for o in s.objects}]
    # naming words (a share 0.3 / 0.5 of them) plus random ones that hit a pictured shape
    assert 0.55 < len(naming) / len(unmentioned) < 0.75
    only_naming = tw.training_batch(np.random.default_rng(4), 300, naming_words=1.0)
    assert all(s.word in {o.shape for o in s.objects} for s in only_naming.scenes)
    assert not any("word" in c for c in only_naming.captions)


def test_word_shares_above_one_are_refused():
    with pytest.raises(ValueError, match="add up to more than 1"):
        tw.training_batch(np.random.default_rng(0), 4, naming_words=0.6, silent_words=0.5)
    with pytest.raises(ValueError, match="naming_words -0.1 must lie in"):
        tw.training_batch(np.random.default_rng(0), 4, naming_words=-0.1)


def test_restricted_pairs_and_counts():
    batch = tw.training_batch(
        np.random.default_rng(2), 100, detail="color", pairs=[("green", "cross")], n_objects=(1,)
    )
    assert all(c.endswith("green cross") for c in batch.captions)
    assert all(len(s.objects) == 1 and s.objects[0].color == "green" for s in batch.scenes)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"pairs": [("red", "square")]}, ValueError, "red square is a held-out composition"),
        ({"pairs": [("teal", "square")]}, ValueError, "colour in pairs\\[0\\] 'teal'"),
        ({"n_objects": (5,)}, ValueError, "object count 5 is impossible; .* 1 to 4"),
        ({"pairs": [("red", "circle")], "n_objects": (3,)}, ValueError, "only held-out scenes"),
        ({"size": 8}, ValueError, "8 px is too small"),
        ({"detail": "most"}, ValueError, "detail 'most'"),
        ({"words_fraction": 1.5}, ValueError, "words_fraction 1.5"),
    ],
)
def test_bad_requests_raise(kwargs, error, message):
    with pytest.raises(error, match=message):
        tw.training_batch(np.random.default_rng(0), 8, **kwargs)


def test_bad_rng_and_batch_size():
    with pytest.raises(TypeError, match="numpy.random.Generator"):
        tw.training_batch(0, 8)
    with pytest.raises(ValueError, match="batch_size must be an int >= 1, got 0"):
        tw.training_batch(np.random.default_rng(0), 0)


def test_held_out_pair_allowed_when_holdout_is_off():
    batch = tw.training_batch(
        np.random.default_rng(0), 8, pairs=[("red", "square")], holdout=False, detail="color"
    )
    assert all("red square" in c for c in batch.captions)
