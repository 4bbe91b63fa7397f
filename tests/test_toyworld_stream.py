"""The training stream: batch contents, rendered words, and held-out compositions kept out."""

from __future__ import annotations

import hashlib
import re

import numpy as np
import pytest

from mmlab import toyworld as tw
from mmlab.toyworld.vocabulary import PLURALS, TEMPLATES

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


# sha256 of three seeded batches' captions, negatives and object factors, recorded before the
# lesson 05 options (negated captions, unstated counts, count negatives) were added: their
# defaults must draw nothing extra, so every older recipe keeps its stream.
STREAM_DIGESTS = [
    ({}, "c64bd2df3ee3bd5c"),
    ({"hard_negatives": True, "words_fraction": 0.2}, "22cb51cad09b7bfe"),
    ({"detail": "color"}, "0c7734d9e4879a7e"),
    ({"naming_words": 0.25, "silent_words": 0.25}, "3334eedec5919e5c"),
]


@pytest.mark.parametrize(("options", "expected"), STREAM_DIGESTS)
def test_older_recipes_draw_the_same_batches(options, expected):
    rng, digest = np.random.default_rng(11), hashlib.sha256()
    for _ in range(3):
        batch = tw.training_batch(rng, 64, **options)
        digest.update("\n".join(batch.captions + (batch.negatives or [])).encode())
        factors = [
            (o.shape, o.color, o.size, o.row, o.col) for s in batch.scenes for o in s.objects
        ]
        digest.update(repr(factors).encode())
    assert digest.hexdigest()[:16] == expected


def _parts(caption):
    """Split "(opening) X and Y" into its phrases, dropping the opening."""
    for opening in sorted(TEMPLATES, key=len, reverse=True):
        if opening and caption.startswith(opening + " "):
            caption = caption[len(opening) + 1 :]
            break
    return caption.split(" and ")


def _matching(scene, words):
    """Objects of `scene` that fit a phrase's adjectives and shape (words after a/an/no)."""
    *adjectives, shape = words
    return [
        o
        for o in scene.objects
        if o.shape == shape and all(a in (o.color, o.size) for a in adjectives)
    ]


def test_negated_captions_are_true_in_both_orders_with_false_twins():
    batch = tw.training_batch(np.random.default_rng(5), 600, negated_captions=0.4)
    negated = [(s, c) for s, c in zip(batch.scenes, batch.captions) if " no " in f" {c} "]
    assert 180 < len(negated) < 300 and len(batch.negatives) == len(negated)
    assert batch.negative_kinds == ["negation"] * len(negated)
    absent_first = 0
    for (scene, caption), false in zip(negated, batch.negatives):
        first, second = _parts(caption)
        absent_first += first.startswith("no ")
        present, absent = (second, first) if first.startswith("no ") else (first, second)
        assert len(_matching(scene, present.split()[1:])) == 1  # "a A": one there
        assert not _matching(scene, absent.split()[1:])  # "no B": none there
        assert sorted(_parts(false)) == sorted(
            [f"no {present.split(' ', 1)[1]}", f"{'an' if absent[3] in 'aeiou' else 'a'} "
             f"{absent.split(' ', 1)[1]}"]
        )  # fmt: skip
        # the same order: the false caption names first the object the true one names first
        assert _parts(false)[0].split(" ", 1)[1] == first.split(" ", 1)[1]
        assert _parts(false)[0].startswith("no ") != first.startswith("no ")
        assert not HELD_OUT_TEXT.search(caption) and not HELD_OUT_TEXT.search(false)
    assert 0.35 < absent_first / len(negated) < 0.65  # first mention says nothing


def test_stated_counts_leave_the_number_out_of_most_groups():
    numbers = ("two", "three", "four")
    stated = tw.training_batch(np.random.default_rng(6), 1500, detail="color")
    sparse = tw.training_batch(np.random.default_rng(6), 1500, detail="color", stated_counts=0.1)
    assert stated.scenes == sparse.scenes  # the same pictures; only the captions change
    before = sum(w in numbers for c in stated.captions for w in c.split())
    after = sum(w in numbers for c in sparse.captions for w in c.split())
    assert before > 250 and 0.05 < after / before < 0.15
    for full, bare in zip(stated.captions, sparse.captions):
        kept = [w for w in bare.split() if w in numbers]
        assert [w for w in full.split() if w not in numbers or w in kept] == bare.split()
        assert bare.count(" a ") + bare.startswith("a ") == full.count(" a ") + full.startswith(
            "a "
        )  # a single object keeps its "a"


COUNTS = ("a", "an", "two", "three", "four")


def test_count_negatives_move_one_stated_count_by_one():
    batch = tw.training_batch(
        np.random.default_rng(7), 300, detail="color", stated_counts=0.2, count_negatives=True
    )
    assert 100 < len(batch.negatives) <= 300
    assert batch.negative_kinds == ["count_change"] * len(batch.negatives)
    singular = {plural: shape for shape, plural in PLURALS.items()}

    def stem(caption):  # the caption with its counts taken out and its plurals made singular
        return " ".join(singular.get(w, w) for w in caption.split() if w not in COUNTS)

    stems = {stem(c) for c in batch.captions}
    assert not set(batch.captions) & set(batch.negatives)  # every negative differs ...
    assert all(stem(n) in stems for n in batch.negatives)  # ... only in a count
    assert not [n for n in batch.negatives if HELD_OUT_TEXT.search(n)]
    bare = tw.training_batch(
        np.random.default_rng(7),
        50,
        detail="color",
        pairs=[("green", "cross")],
        n_objects=(2,),
        stated_counts=0.0,
        count_negatives=True,
    )
    assert set(bare.captions) <= {f"{t} green crosses".strip() for t in TEMPLATES}
    assert bare.negatives == []  # "green crosses" states no count to change


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"negated_captions": 1.5}, "negated_captions 1.5 must be a number in"),
        ({"stated_counts": -0.1}, "stated_counts -0.1 must be a number in"),
        ({"stated_counts": True}, "stated_counts True must be a number in"),
        ({"negated_captions": 0.2, "hard_negatives": True}, "hard_negatives and negated_captions"),
        ({"count_negatives": True, "hard_negatives": True}, "hard_negatives and count_negatives"),
    ],
)
def test_bad_caption_options_are_refused_by_name(options, message):
    with pytest.raises(ValueError, match=message):
        tw.training_batch(np.random.default_rng(0), 8, **options)
