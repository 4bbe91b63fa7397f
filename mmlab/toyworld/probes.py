"""Probes built on the fly from the shipped sets and the scene functions: a counterbalanced
negation probe, a NegBench-style four-way negation choice, and an image-side counting probe.

Introduced in notebooks/05_compositional_failures.ipynb. The shipped `negation` set always names
the present object first ("a A and no B" against "no A and a B"), so a model that prefers the
caption whose first object is in the picture passes it without reading "no". The functions here
reorder the same two phrases so that word order says nothing, and draw pictures that differ only
in how many objects they hold, so that a caption's number has to be matched to the picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

import numpy as np

from mmlab.toyworld.captions import caption
from mmlab.toyworld.heldout import HELD_OUT_COUNT, HELD_OUT_PAIRS
from mmlab.toyworld.sampling import sample_scenes
from mmlab.toyworld.scenes import MAX_OBJECTS, Scene, with_objects
from mmlab.toyworld.vocabulary import COLORS, SHAPES, SIZES

_NEGATION = re.compile(r"^an? (?P<a>.+) and no (?P<b>.+)$")


def _a(phrase: str) -> str:
    return ("an " if phrase[0] in "aeiou" else "a ") + phrase


def negation_phrases(true_caption: str, false_caption: str) -> tuple[str, str]:
    """Split a `negation` probe item into its two object phrases (A present, B absent).

    The item must read "a A and no B" (true) against "no A and a B" (false); anything else is
    refused with a message that quotes it. Returns (A, B), e.g. ("small blue square", "small
    black heart").
    """
    found = _NEGATION.match(true_caption)
    if found is None:
        raise ValueError(f"{true_caption!r} does not read 'a A and no B'")
    present, absent = found["a"], found["b"]
    if false_caption != f"no {present} and {_a(absent)}":
        raise ValueError(
            f"{false_caption!r} is not the negation probe's false caption for {true_caption!r} "
            f"(expected 'no {present} and {_a(absent)}')"
        )
    return present, absent


def negation_duels(true_caption: str, false_caption: str) -> dict[str, tuple[str, str]]:
    """Three (true, false) caption duels from one negation item, for a picture holding A, not B.

    "as shipped": "a A and no B" vs "no A and a B" (the present object is named first in the
    true caption); "reordered": "no B and a A" vs "a B and no A" (now the absent object comes
    first in the true caption); "no 'no'": "a A and a B" vs "a B and a A" — both false, the same
    words, so a preference here is a preference for naming the present object first.
    """
    a, b = negation_phrases(true_caption, false_caption)
    return {
        "as shipped": (f"{_a(a)} and no {b}", f"no {a} and {_a(b)}"),
        "reordered": (f"no {b} and {_a(a)}", f"{_a(b)} and no {a}"),
        "no 'no'": (f"{_a(a)} and {_a(b)}", f"{_a(b)} and {_a(a)}"),
    }


NEGATION_OPTIONS = ("a A, no B", "no A, a B", "a A, a B", "no A, no B")


def negation_choices(true_caption: str, false_caption: str, *, absent_first: bool) -> list[str]:
    """The four captions of a NegBench-style choice for a picture that holds A and not B.

    Each caption says one thing about A and one about B; only the first (A present, B absent)
    is true, so chance is 1 in 4. The order follows NEGATION_OPTIONS. With `absent_first` every
    caption names B before A, so that which object comes first says nothing.
    """
    a, b = negation_phrases(true_caption, false_caption)
    parts = [(_a(a), f"no {b}"), (f"no {a}", _a(b)), (_a(a), _a(b)), (f"no {a}", f"no {b}")]
    return [f"{second} and {first}" if absent_first else f"{first} and {second}"
            for first, second in parts]  # fmt: skip


def choice_correct(scores: np.ndarray, correct: int = 0) -> np.ndarray:
    """Per row of `scores` (items × options), True when option `correct` scores strictly above
    every other option: a tie is a failure, so an encoder that cannot tell options apart never
    passes by the order it lists them in. Returns a boolean array, one entry per item."""
    matrix = np.asarray(scores, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] < 2:
        raise ValueError(f"scores must be (items, options >= 2), got shape {matrix.shape}")
    if not 0 <= correct < matrix.shape[1]:
        raise ValueError(f"correct={correct} is not an option index (0..{matrix.shape[1] - 1})")
    bad = np.argwhere(~np.isfinite(matrix))
    if bad.size:
        raise ValueError(f"scores[{bad[0][0]}, {bad[0][1]}] is not a finite number")
    others = np.delete(matrix, correct, axis=1)
    return matrix[:, correct] > others.max(axis=1)


@dataclass(frozen=True)
class CountSeries:
    """One object kind drawn 1..MAX_OBJECTS times: `scenes[k - 1]` holds k identical objects
    (the same cells, nuisances and background, plus one more each time) and `captions[k - 1]`
    says "k size colour shapes"."""

    shape: str
    color: str
    size: str
    scenes: tuple[Scene, ...]
    captions: tuple[str, ...]

    @property
    def held_out(self) -> bool:
        """True when one of its captions names the count the training stream never shows."""
        return self.shape == HELD_OUT_COUNT[1]


def count_series(seed: int, n: int) -> list[CountSeries]:
    """Draw `n` counting series from `seed` (deterministic): the kinds cycle through every shape,
    with colours and sizes drawn at random among the pairs training shows (no held-out
    colour–shape pair). Introduced in notebooks/05_compositional_failures.ipynb.

    Pictures in one series differ only in how many objects they hold, so a caption can be
    matched to its picture only by counting. Circles give the held-out count (three circles).
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    rng = np.random.default_rng(seed)
    series = []
    for i in range(int(n)):
        shape = SHAPES[i % len(SHAPES)]
        colors = [c for c in COLORS if (c, shape) not in HELD_OUT_PAIRS]
        color, size = colors[rng.integers(len(colors))], SIZES[rng.integers(len(SIZES))]
        (scene,) = sample_scenes(rng, 1, n_objects=(MAX_OBJECTS,), pairs=[(color, shape)])
        objects = [replace(o, size=size) for o in scene.objects]
        scenes = tuple(with_objects(scene, objects[:k]) for k in range(1, MAX_OBJECTS + 1))
        series.append(CountSeries(shape, color, size, scenes, tuple(caption(s) for s in scenes)))
    return series
