"""Exercises for the lessons: `from mmlab.exercises import ____, lesson00`.

Introduced in notebooks/00_welcome.ipynb. Each lesson has a module `lessonNN` holding its
questions (`q1`, `q2`, …); `core` holds the machinery. `all_questions()` lists every question of
every lesson, which the test suite checks against its solution, a wrong answer and its stub.
"""

from __future__ import annotations

import importlib
import pkgutil

from mmlab.exercises.core import Feedback, NotAttempted, Outcome, Question, ____

__all__ = ["Feedback", "NotAttempted", "Outcome", "Question", "____", "all_questions"]


def all_questions() -> dict[str, Question]:
    """Return {"lessonNN.qK": question} for every lesson module in this package."""
    found: dict[str, Question] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.name.startswith("lesson"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for attr, value in sorted(vars(module).items()):
            if isinstance(value, Question):
                found[f"{info.name}.{attr}"] = value
    return found
