"""Exercises for notebooks/07_choosing_a_model.ipynb: choosing a "none of these" threshold from
scores, and the shortest truncated embedding that keeps Recall@1."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer, unit_rows


def _right_decisions(present: np.ndarray, absent: np.ndarray, threshold: float) -> int:
    """Present pictures answered (score >= threshold) plus absent ones refused (score below)."""
    return int((present >= threshold).sum() + (absent < threshold).sum())


class PickThreshold(Question):
    """The threshold on top scores that makes the most right present / absent decisions."""

    name = "pick_threshold"
    hints = [
        "A decision is right when a present picture's top score reaches the threshold, or when "
        "an absent picture's top score stays below it.",
        "Only the scores themselves (and one value above them all) are worth trying: count the "
        "right decisions for each candidate and keep the best.",
    ]
    stub_code = """
    def pick_threshold(present_top, absent_top):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def pick_threshold(present_top, absent_top):
        candidates = np.unique(np.concatenate([present_top, absent_top, [np.inf]]))
        right = [(present_top >= t).sum() + (absent_top < t).sum() for t in candidates]
        return float(candidates[int(np.argmax(right))])
    """
    wrong_code = """
    def pick_threshold(present_top, absent_top):
        return 0.5
    """
    setup_code = "import numpy as np"
    success = "a threshold chosen on held-out scores, not assumed from the score's range."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(9)
        for n_present, n_absent, gap in ((40, 30, 2.0), (25, 60, 1.0), (6, 5, 0.2)):
            present = rng.normal(1.0 + gap, 1.0, n_present)
            absent = rng.normal(1.0, 1.0, n_absent)
            got = call_answer(answer, present.copy(), absent.copy())
            where = f"({n_present} present and {n_absent} absent scores)"
            try:
                threshold = float(np.asarray(got).item())
            except (TypeError, ValueError):
                return f"return one number, the threshold {where}; you returned {got!r}."
            candidates = np.unique(np.concatenate([present, absent, [np.inf]]))
            best = max(_right_decisions(present, absent, t) for t in candidates)
            mine = _right_decisions(present, absent, threshold)
            if mine < best:
                return (
                    f"your threshold {threshold:.3g} makes {mine} right decisions {where}; "
                    f"another threshold makes {best}."
                )
        return None


def _recall_at_1(texts: np.ndarray, images: np.ndarray, d: int) -> float:
    short_t, short_i = unit_rows(texts[:, :d]), unit_rows(images[:, :d])
    return float(np.mean((short_t @ short_i.T).argmax(axis=1) == np.arange(len(texts))))


class SmallestDimension(Question):
    """The fewest leading coordinates that keep text -> image Recall@1 within `drop` of all."""

    name = "smallest_dimension"
    hints = [
        "Keep the first d coordinates of every row, make the rows unit vectors again, and score "
        "each text against every image: Recall@1 is the share whose own image scores highest.",
        "Compute Recall@1 with all coordinates once, then try d = 1, 2, ... and return the first "
        "d whose Recall@1 is at least that minus `drop`.",
    ]
    stub_code = """
    def smallest_dimension(texts, images, drop=0.01):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def smallest_dimension(texts, images, drop=0.01):
        def recall_at_1(d):
            t, i = texts[:, :d], images[:, :d]
            t = t / np.linalg.norm(t, axis=1, keepdims=True)
            i = i / np.linalg.norm(i, axis=1, keepdims=True)
            return np.mean((t @ i.T).argmax(axis=1) == np.arange(len(t)))

        full = recall_at_1(texts.shape[1])
        return next(d for d in range(1, texts.shape[1] + 1) if recall_at_1(d) >= full - drop)
    """
    wrong_code = """
    def smallest_dimension(texts, images, drop=0.01):
        return texts.shape[1]
    """
    setup_code = "import numpy as np"
    success = "how short a vector may be is measured on your own pairs, not assumed."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(10)
        for n, big, drop in ((60, 16, 0.01), (40, 24, 0.08), (30, 8, 0.0)):
            spread = 1.0 / np.sqrt(1.0 + np.arange(big))  # early coordinates carry more
            images = unit_rows(rng.normal(size=(n, big)) * spread)
            texts = unit_rows(images + 0.15 * rng.normal(size=(n, big)) * spread)
            full = _recall_at_1(texts, images, big)
            expected = next(
                d for d in range(1, big + 1) if _recall_at_1(texts, images, d) >= full - drop
            )
            got = call_answer(answer, texts.copy(), images.copy(), drop)
            where = f"({n} pairs of {big} dimensions, drop {drop})"
            if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
                return f"return a whole number of dimensions {where}, not {got!r}."
            if got != expected:
                return (
                    f"you returned d = {got} {where}; check Recall@1 at each d from 1 up, "
                    "against the Recall@1 with all coordinates minus drop."
                )
        return None


q1 = PickThreshold()
q2 = SmallestDimension()
