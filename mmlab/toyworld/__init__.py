"""The toy world: procedural scenes with controllable factors, their images, captions, hard
negatives, held-out compositions, a synthetic audio modality and the shipped evaluation sets.

Introduced in notebooks/01_shared_space.ipynb. numpy and Pillow only (no torch).

    from mmlab import toyworld
    batch = toyworld.training_batch(numpy.random.default_rng(0), 128)  # .images, .captions
    test = toyworld.load("test")                      # .images, .captions, .factors
"""

from __future__ import annotations

from mmlab.toyworld.audio import listen, spectrogram, spectrogram_image, waveform, waveforms
from mmlab.toyworld.captions import (
    DETAILS,
    CaptionPlan,
    Phrase,
    caption,
    holds,
    max_caption_words,
    plan_for,
    text,
)
from mmlab.toyworld.fixedsets import SET_NAMES
from mmlab.toyworld.heldout import (
    HELD_OUT_COUNT,
    HELD_OUT_PAIRS,
    held_out_reasons,
    is_held_out,
    plan_mentions_held_out,
)
from mmlab.toyworld.negatives import KINDS, HardNegative, hard_negative
from mmlab.toyworld.rendering import render, render_array
from mmlab.toyworld.sampling import sample_scenes
from mmlab.toyworld.scenes import (
    GRID_COLS,
    GRID_ROWS,
    Scene,
    ToyObject,
    factors,
    make_scene,
    relations,
    scene_from_dict,
    scene_to_dict,
)
from mmlab.toyworld.sets import ToySet, load
from mmlab.toyworld.stream import ToyBatch, training_batch, training_stream
from mmlab.toyworld.vocabulary import (
    COLORS,
    FONTS,
    RELATIONS,
    RENDERED_WORDS,
    SHAPES,
    SIZES,
    TRAINING_FONT,
    vocabulary,
)

__all__ = [
    "COLORS",
    "DETAILS",
    "FONTS",
    "GRID_COLS",
    "GRID_ROWS",
    "HELD_OUT_COUNT",
    "HELD_OUT_PAIRS",
    "KINDS",
    "RELATIONS",
    "RENDERED_WORDS",
    "SET_NAMES",
    "SHAPES",
    "SIZES",
    "TRAINING_FONT",
    "CaptionPlan",
    "HardNegative",
    "Phrase",
    "Scene",
    "ToyBatch",
    "ToyObject",
    "ToySet",
    "caption",
    "factors",
    "hard_negative",
    "held_out_reasons",
    "holds",
    "is_held_out",
    "listen",
    "load",
    "make_scene",
    "max_caption_words",
    "plan_for",
    "plan_mentions_held_out",
    "relations",
    "render",
    "render_array",
    "sample_scenes",
    "scene_from_dict",
    "scene_to_dict",
    "spectrogram",
    "spectrogram_image",
    "text",
    "training_batch",
    "training_stream",
    "vocabulary",
    "waveform",
    "waveforms",
]
