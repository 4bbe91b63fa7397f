"""Scenes of the toy world: 1-4 objects on a 3x3 grid (or none, when the image holds only a word),
an optional rendered word, and the nuisance values (jitter, rotation, shade, background) that make
each rendering a little different.

Introduced in notebooks/01_shared_space.ipynb. A `Scene` holds everything needed to render it, so
the same scene always gives the same pixels. `factors(scene)` returns the named factors only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from mmlab.toyworld.vocabulary import COLORS, FONTS, RENDERED_WORDS, SHAPES, SIZES, check_choice

GRID_ROWS = 3
GRID_COLS = 3
MAX_OBJECTS = 4
# With a rendered word, the bottom grid row holds the word and objects use the rows above it.
ROWS_WITH_WORD = 2
# Nuisance ranges, in pixels of a 64 px image (scaled for other sizes).
JITTER = 2
ANGLES: tuple[int, ...] = (-15, -10, -5, 0, 5, 10, 15)
SCALES: tuple[float, ...] = (0.92, 1.0, 1.08)
SHADE_NOISE = 15
BACKGROUND_RANGE = (205, 235)  # plus TINT and GRADIENT_MAX stays below 255
TINT = 8
GRADIENT_DIRECTIONS = 8
GRADIENT_MAX = 10
WORD_JITTER = 3


@dataclass(frozen=True)
class ToyObject:
    """One object: its named factors (shape, color, size, grid cell) and its nuisances."""

    shape: str
    color: str
    size: str
    row: int
    col: int
    dx: int = 0
    dy: int = 0
    angle: int = 0
    scale: int = 1
    shade: tuple[int, int, int] = (0, 0, 0)

    def __post_init__(self) -> None:
        ok = (
            self.shape in SHAPES and self.color in COLORS and self.size in SIZES
            and 0 <= self.row < GRID_ROWS and 0 <= self.col < GRID_COLS
            and -JITTER <= self.dx <= JITTER and -JITTER <= self.dy <= JITTER
            and self.angle in ANGLES and 0 <= self.scale < len(SCALES) and len(self.shade) == 3
            and -SHADE_NOISE <= min(self.shade) and max(self.shade) <= SHADE_NOISE
        )  # fmt: skip
        if not ok:  # one quick test; the detailed messages only when something is wrong
            _explain_object(self)

    @property
    def cell(self) -> tuple[int, int]:
        """Return (row, col)."""
        return (self.row, self.col)


def _explain_object(obj: ToyObject) -> None:
    """Raise the ValueError that says what is wrong with `obj`."""
    check_choice(obj.shape, SHAPES, "shape")
    check_choice(obj.color, COLORS, "colour")
    check_choice(obj.size, SIZES, "size")
    if not (0 <= obj.row < GRID_ROWS and 0 <= obj.col < GRID_COLS):
        raise ValueError(
            f"grid cell (row={obj.row}, col={obj.col}) is outside the grid; rows and "
            f"columns run from 0 to {GRID_ROWS - 1}"
        )
    if abs(obj.dx) > JITTER or abs(obj.dy) > JITTER:
        raise ValueError(f"jitter ({obj.dx}, {obj.dy}) outside -{JITTER}..{JITTER}")
    if obj.angle not in ANGLES:
        raise ValueError(f"angle {obj.angle} not allowed; allowed: {ANGLES}")
    if not 0 <= obj.scale < len(SCALES):
        raise ValueError(f"scale index {obj.scale} not allowed; allowed: 0..{len(SCALES) - 1}")
    raise ValueError(f"shade {obj.shade} must be 3 values within +-{SHADE_NOISE}")


@dataclass(frozen=True)
class Scene:
    """A whole scene: its objects, an optional rendered word, and background nuisances."""

    objects: tuple[ToyObject, ...]
    word: str | None = None
    font: str = "sans"
    background: tuple[int, int, int] = (225, 225, 225)
    gradient: tuple[int, int] = (0, 0)
    word_dx: int = 0

    def __post_init__(self) -> None:
        check_scene(self)


def check_scene(scene: Scene) -> None:
    """Raise ValueError if the scene is impossible (cells, counts, word, font, nuisances)."""
    n = len(scene.objects)
    rows = ROWS_WITH_WORD if scene.word is not None else GRID_ROWS
    if not 1 <= n <= MAX_OBJECTS and not (n == 0 and scene.word is not None):
        raise ValueError(
            f"a scene holds 1 to {MAX_OBJECTS} objects (0 only with a rendered word), got {n}"
        )
    cells = [o.cell for o in scene.objects]
    if len(set(cells)) != n:
        raise ValueError(f"two objects share a grid cell: {cells}")
    for i, obj in enumerate(scene.objects):
        if obj.row >= rows:
            raise ValueError(
                f"object {i} sits in row {obj.row}, but with a rendered word objects use rows "
                f"0..{rows - 1} (the last row holds the word)"
            )
    if scene.word is not None:
        check_choice(scene.word, RENDERED_WORDS, "rendered word")
    check_choice(scene.font, FONTS, "font")
    low, high = GRADIENT_MAX, 255 - GRADIENT_MAX
    if len(scene.background) != 3 or any(not low <= c <= high for c in scene.background):
        raise ValueError(
            f"background {scene.background} must be 3 RGB values in {low}..{high} (room for "
            "the gradient)"
        )
    direction, amplitude = scene.gradient
    if not (0 <= direction < GRADIENT_DIRECTIONS and 0 <= amplitude <= GRADIENT_MAX):
        raise ValueError(
            f"gradient {scene.gradient}: direction 0..{GRADIENT_DIRECTIONS - 1}, "
            f"amplitude 0..{GRADIENT_MAX}"
        )
    if abs(scene.word_dx) > WORD_JITTER:
        raise ValueError(f"word_dx {scene.word_dx} outside -{WORD_JITTER}..{WORD_JITTER}")


def make_scene(
    objects: list[tuple[str, str, str, int, int]] | list[dict],
    *,
    word: str | None = None,
    font: str = "sans",
) -> Scene:
    """Build a plain scene (no nuisances) from (shape, color, size, row, col) tuples or dicts.

    Introduced in notebooks/01_shared_space.ipynb, e.g.
    `make_scene([("circle", "red", "large", 1, 0), ("square", "blue", "small", 1, 2)])`.
    """
    objs = []
    for i, spec in enumerate(objects):
        if isinstance(spec, dict):
            objs.append(ToyObject(**spec))
        elif isinstance(spec, tuple | list) and len(spec) == 5:
            objs.append(ToyObject(*spec))
        else:
            raise TypeError(
                f"object {i} is {spec!r}; give (shape, color, size, row, col) or a dict with "
                "those keys"
            )
    return Scene(objects=tuple(objs), word=word, font=font)


def relations(a: ToyObject, b: ToyObject) -> tuple[str, ...]:
    """Return the relation names that hold for `a` relative to `b` ("left", "above", ...)."""
    out = []
    if a.col < b.col:
        out.append("left")
    if a.col > b.col:
        out.append("right")
    if a.row < b.row:
        out.append("above")
    if a.row > b.row:
        out.append("below")
    return tuple(out)


def factors(scene: Scene) -> dict:
    """Return the named factors of a scene as a plain dict (JSON-friendly).

    Keys: "objects" (list of {shape, color, size, row, col}), "count", "word", "font".
    """
    objects = [
        {"shape": o.shape, "color": o.color, "size": o.size, "row": o.row, "col": o.col}
        for o in scene.objects
    ]
    return {
        "objects": objects,
        "count": len(objects),
        "word": scene.word,
        "font": scene.font if scene.word is not None else None,
    }


def scene_to_dict(scene: Scene) -> dict:
    """Return the whole scene (factors and nuisances) as a JSON-friendly dict."""
    out = asdict(scene)
    for obj in out["objects"]:
        obj["shade"] = list(obj["shade"])
    out["background"] = list(out["background"])
    out["gradient"] = list(out["gradient"])
    return out


def scene_from_dict(data: dict) -> Scene:
    """Rebuild a Scene from `scene_to_dict` output."""
    objects = tuple(
        ToyObject(**{**o, "shade": tuple(o.get("shade", (0, 0, 0)))}) for o in data["objects"]
    )
    return Scene(
        objects=objects,
        word=data.get("word"),
        font=data.get("font", "sans"),
        background=tuple(data.get("background", (225, 225, 225))),
        gradient=tuple(data.get("gradient", (0, 0))),
        word_dx=data.get("word_dx", 0),
    )


def with_objects(scene: Scene, objects: list[ToyObject] | tuple[ToyObject, ...]) -> Scene:
    """Return a copy of `scene` with other objects and the same background, word and font."""
    return replace(scene, objects=tuple(objects))


def check_rng(rng: object) -> np.random.Generator:
    """Return `rng` if it is a numpy Generator, else raise saying how to make one (a bare seed
    such as 0 is refused rather than guessed at, so the call reads the same everywhere)."""
    if not isinstance(rng, np.random.Generator):
        raise TypeError(
            f"rng is a {type(rng).__name__} ({rng!r:.40}): pass a numpy random Generator, "
            f"e.g. np.random.default_rng({rng if isinstance(rng, int) else 0})"
        )
    return rng
