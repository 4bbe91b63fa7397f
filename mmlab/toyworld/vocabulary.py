"""The closed vocabulary of the toy world: colours, shapes, sizes, relations and every word a
caption can use.

Introduced in notebooks/01_shared_space.ipynb. Everything the toy world names is defined here, in
one place, so that a word-level tokenizer trained from `vocabulary()` never meets an unknown token.
"""

from __future__ import annotations

from collections.abc import Collection

# Colour name -> RGB at the centre of its shade range. Chosen far apart so that each stays
# recognisable at 64 px after shade noise (at most +-SHADE_NOISE per channel).
COLORS: dict[str, tuple[int, int, int]] = {
    "red": (220, 35, 35),
    "orange": (245, 135, 15),
    "yellow": (240, 210, 20),
    "green": (35, 155, 55),
    "blue": (35, 85, 220),
    "purple": (135, 55, 185),
    "pink": (245, 120, 195),
    "brown": (125, 75, 35),
    "black": (25, 25, 25),
}
SHAPES: tuple[str, ...] = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "star",
    "cross",
    "heart",
    "semicircle",
)
SIZES: tuple[str, ...] = ("small", "large")
# Relation name -> the words a caption uses for it.
RELATIONS: dict[str, str] = {
    "left": "to the left of",
    "right": "to the right of",
    "above": "above",
    "below": "below",
}
PLURALS: dict[str, str] = {
    shape: shape + ("es" if shape.endswith("s") else "s") for shape in SHAPES
}
# Group sizes above one are written as numbers; a single object gets "a" or "an".
COUNT_WORDS: dict[int, str] = {2: "two", 3: "three", 4: "four"}
# Caption openings (paraphrases); "" is the bare object list, the form zero-shot prompts use.
TEMPLATES: tuple[str, ...] = ("", "a picture of", "an image of", "a drawing of", "a photo of")
# Words that can be rendered into an image (the typographic lessons write shape and colour names).
RENDERED_WORDS: tuple[str, ...] = SHAPES + tuple(COLORS)
# Font styles from Pillow itself: "sans" (FreeType Aileron) appears in training; "pixel" (the
# bitmap default font) is kept for the unseen-font OCR probe.
FONTS: tuple[str, ...] = ("sans", "pixel")
TRAINING_FONT = "sans"
# The phrase that mentions a rendered word, split around the word itself.
WORD_PHRASE = ("with the word", "written on it")
OCR_PHRASE = "the word"
FUNCTION_WORDS: tuple[str, ...] = ("a", "an", "no", "and")


def vocabulary() -> list[str]:
    """Return every word a caption, hard negative, probe or rendered word can contain, sorted.

    Introduced in notebooks/01_shared_space.ipynb. Captions are these words joined by single
    spaces, lowercase, without punctuation.
    """
    words: set[str] = set(FUNCTION_WORDS)
    words.update(COLORS, SHAPES, PLURALS.values(), SIZES, COUNT_WORDS.values(), RENDERED_WORDS)
    for text in (*RELATIONS.values(), *TEMPLATES, *WORD_PHRASE, OCR_PHRASE):
        words.update(text.split())
    return sorted(words)


def check_choice(value: object, allowed: Collection[str], what: str) -> str:
    """Return `value` if it is one of `allowed`, else raise ValueError naming both."""
    if isinstance(value, str) and value in allowed:  # the fast path: no copies
        return value
    raise ValueError(f"unknown {what} {value!r}; allowed: {', '.join(allowed)}")
