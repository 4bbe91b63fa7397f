"""Random scenes: the seeded sampler behind the training stream and the fixed sets.

Introduced in notebooks/02_contrastive_training.ipynb. `sample_scenes(rng, n)` draws all random
numbers of a batch in a few numpy calls (fast and deterministic for a given generator state),
then assembles the scenes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from mmlab.toyworld.heldout import HELD_OUT_PAIRS, is_held_out
from mmlab.toyworld.scenes import (
    ANGLES,
    BACKGROUND_RANGE,
    GRADIENT_DIRECTIONS,
    GRADIENT_MAX,
    GRID_COLS,
    GRID_ROWS,
    JITTER,
    MAX_OBJECTS,
    ROWS_WITH_WORD,
    SCALES,
    SHADE_NOISE,
    TINT,
    WORD_JITTER,
    Scene,
    ToyObject,
    check_rng,
)
from mmlab.toyworld.vocabulary import (
    COLORS,
    FONTS,
    RENDERED_WORDS,
    SHAPES,
    SIZES,
    TRAINING_FONT,
    check_choice,
)

# Share of scenes with 1, 2, 3, 4 objects (renormalised over the allowed counts).
OBJECT_COUNT_WEIGHTS = {1: 0.25, 2: 0.35, 3: 0.2, 4: 0.2}
# Share of multi-object scenes whose first objects repeat one kind (so that counting is taught).
GROUP_FRACTION = 0.3
MAX_REDRAWS = 100


def allowed_pairs(
    pairs: Sequence[tuple[str, str]] | None = None, holdout: bool = True
) -> list[tuple[str, str]]:
    """Return the (colour, shape) pairs a sampler may use; raise if a held-out pair is asked for.

    `pairs=None` means every pair (minus the held-out ones when `holdout` is True).
    """
    if pairs is None:
        pairs = [(c, s) for c in COLORS for s in SHAPES]
        return [p for p in pairs if not (holdout and p in HELD_OUT_PAIRS)]
    out = []
    for i, pair in enumerate(pairs):
        if not isinstance(pair, tuple | list) or len(pair) != 2:
            raise TypeError(f"pairs[{i}] is {pair!r}; give (colour, shape) tuples")
        color = check_choice(pair[0], COLORS, f"colour in pairs[{i}]")
        shape = check_choice(pair[1], SHAPES, f"shape in pairs[{i}]")
        if holdout and (color, shape) in HELD_OUT_PAIRS:
            held = ", ".join(f"{c} {s}" for c, s in HELD_OUT_PAIRS)
            raise ValueError(
                f"pairs[{i}] = {color} {shape} is a held-out composition and never appears in "
                f"the training stream (held out: {held}); pass holdout=False to sample it"
            )
        out.append((color, shape))
    if not out:
        raise ValueError("pairs is empty; give at least one (colour, shape) pair")
    return out


def _check_counts(n_objects: Sequence[int]) -> list[int]:
    counts = list(n_objects)
    for n in counts:
        if isinstance(n, bool) or not isinstance(n, int | np.integer) or not 1 <= n <= MAX_OBJECTS:
            raise ValueError(
                f"object count {n!r} is impossible; a scene holds 1 to {MAX_OBJECTS} objects"
            )
    if not counts:
        raise ValueError("n_objects is empty; allowed counts are 1 to 4")
    return counts


def _draw_numbers(rng, n, n_pairs, counts, words_fraction, n_fonts, n_words) -> dict[str, list]:
    """Draw every random number of `n` scenes, one numpy call per factor, as Python lists
    (lists index much faster than numpy scalars in the per-scene loop)."""
    weights = np.array([OBJECT_COUNT_WEIGHTS[c] for c in counts])
    draws = {
        "n_obj": np.array(counts)[rng.choice(len(counts), size=n, p=weights / weights.sum())],
        "has_word": rng.random(n) < words_fraction,
        "grouped": rng.random(n) < GROUP_FRACTION,
        "group_all": rng.random(n) < 0.5,
        "order": rng.random((n, GRID_ROWS * GRID_COLS)),
        "pair": rng.integers(0, n_pairs, (n, MAX_OBJECTS)),
        "size": rng.integers(0, len(SIZES), (n, MAX_OBJECTS)),
        "jitter": rng.integers(-JITTER, JITTER + 1, (n, MAX_OBJECTS, 2)),
        "angle": rng.integers(0, len(ANGLES), (n, MAX_OBJECTS)),
        "scale": rng.integers(0, len(SCALES), (n, MAX_OBJECTS)),
        "shade": rng.integers(-SHADE_NOISE, SHADE_NOISE + 1, (n, MAX_OBJECTS, 3)),
        "level": rng.integers(BACKGROUND_RANGE[0], BACKGROUND_RANGE[1] + 1, (n, 1)),
        "tint": rng.integers(-TINT, TINT + 1, (n, 3)),
        "direction": rng.integers(0, GRADIENT_DIRECTIONS, n),
        "amplitude": rng.integers(0, GRADIENT_MAX + 1, n),
        "word": rng.integers(0, n_words, n),
        "font": rng.integers(0, n_fonts, n),
        "word_dx": rng.integers(-WORD_JITTER, WORD_JITTER + 1, n),
    }
    order = draws.pop("order")
    draws["cells"] = np.argsort(order, axis=1, kind="stable")
    draws["cells_word"] = np.argsort(order[:, : ROWS_WITH_WORD * GRID_COLS], axis=1, kind="stable")
    draws["background"] = draws.pop("level") + draws.pop("tint")
    return {name: values.tolist() for name, values in draws.items()}


def _scene(d: dict[str, list], i: int, pairs, fonts, words) -> Scene:
    """Assemble scene `i` from the numbers drawn by `_draw_numbers`."""
    k, has_word = d["n_obj"][i], d["has_word"][i]
    cells = (d["cells_word"] if has_word else d["cells"])[i][:k]
    idx, sizes = d["pair"][i], d["size"][i]
    if k >= 2 and d["grouped"][i]:  # the first objects repeat one kind, for counting
        same = k if d["group_all"][i] else k - 1
        idx[1:same] = [idx[0]] * (same - 1)
        sizes[1:same] = [sizes[0]] * (same - 1)
    objects = []
    for j in range(k):
        color, shape = pairs[idx[j]]
        row, col = divmod(cells[j], GRID_COLS)
        dx, dy = d["jitter"][i][j]
        angle, scale, shade = ANGLES[d["angle"][i][j]], d["scale"][i][j], tuple(d["shade"][i][j])
        objects.append(
            ToyObject(shape, color, SIZES[sizes[j]], row, col, dx, dy, angle, scale, shade)
        )
    return Scene(
        objects=tuple(objects),
        word=words[d["word"][i]] if has_word else None,
        font=fonts[d["font"][i]],
        background=tuple(d["background"][i]),
        gradient=(d["direction"][i], d["amplitude"][i]),
        word_dx=d["word_dx"][i],
    )


def _draw(rng, n, pairs, counts, words_fraction, fonts, words) -> list[Scene]:
    """Draw `n` scenes (held-out ones included)."""
    numbers = _draw_numbers(rng, n, len(pairs), counts, words_fraction, len(fonts), len(words))
    return [_scene(numbers, i, pairs, fonts, words) for i in range(n)]


def sample_scenes(
    rng: np.random.Generator,
    n: int,
    *,
    words_fraction: float = 0.0,
    holdout: bool = True,
    pairs: Sequence[tuple[str, str]] | None = None,
    n_objects: Sequence[int] = (1, 2, 3, 4),
    fonts: Sequence[str] = (TRAINING_FONT,),
    words: Sequence[str] = RENDERED_WORDS,
) -> list[Scene]:
    """Draw `n` random scenes.

    Introduced in notebooks/02_contrastive_training.ipynb. With `holdout=True` no scene contains
    a held-out composition (see mmlab.toyworld.heldout); held-out draws are redrawn. `pairs`
    restricts the (colour, shape) pairs, `n_objects` the object counts, `fonts` and `words` the
    rendered words (a share `words_fraction` of scenes carries one).
    """
    check_rng(rng)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"number of scenes must be an int >= 0, got {n!r}")
    if not 0.0 <= words_fraction <= 1.0:
        raise ValueError(f"words_fraction {words_fraction!r} must lie in [0, 1]")
    pairs = allowed_pairs(pairs, holdout)
    counts = _check_counts(n_objects)
    fonts = [check_choice(f, FONTS, "font") for f in fonts]
    words = [check_choice(w, RENDERED_WORDS, "rendered word") for w in words]
    if not fonts or not words:
        raise ValueError("fonts and words must each name at least one allowed value")
    scenes = _draw(rng, int(n), pairs, counts, words_fraction, fonts, words)
    if holdout:
        for _ in range(MAX_REDRAWS):
            bad = [i for i, s in enumerate(scenes) if is_held_out(s)]
            if not bad:
                break
            redrawn = _draw(rng, len(bad), pairs, counts, words_fraction, fonts, words)
            for i, scene in zip(bad, redrawn):
                scenes[i] = scene
        else:
            raise ValueError(
                "these pairs and object counts give only held-out scenes (e.g. exactly three "
                "circles); widen pairs or n_objects, or pass holdout=False"
            )
    return scenes
