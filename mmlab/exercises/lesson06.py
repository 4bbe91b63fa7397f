"""Exercises for notebooks/06_text_in_image.ipynb: the success rate of a typographic attack, and
removing a direction from embedding vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer, unit_rows

# (attacked predictions, true labels, written labels): hand-built so that "wrong" and "hijacked
# by the written word" differ.
_ATTACKS = [
    (
        ["a red circle", "a blue circle", "a green star", "a red square", "a pink heart"],
        ["a red circle", "a red circle", "a green cross", "a black square", "a pink heart"],
        ["a blue circle", "a blue circle", "a green heart", "a red square", "a pink star"],
    ),
    (
        ["a black star", "a black star", "a brown cross", "a yellow heart"],
        ["a black diamond", "a black cross", "a brown cross", "a yellow circle"],
        ["a black star", "a black star", "a brown heart", "a yellow square"],
    ),
    (["a red circle"] * 3, ["a blue circle"] * 3, ["a green circle"] * 3),
]


class AttackSuccess(Question):
    """Share of attacked pictures classified as the label their written word names."""

    name = "attack_success"
    hints = [
        "An attack succeeds on a picture when the model's answer is the label the written word "
        "names — not merely when the answer is wrong.",
        "Compare the two lists item by item and take the mean of the matches.",
    ]
    stub_code = """
    def attack_success(attacked_predictions, true_labels, written_labels):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def attack_success(attacked_predictions, true_labels, written_labels):
        hits = [p == w for p, w in zip(attacked_predictions, written_labels)]
        return float(np.mean(hits))
    """
    wrong_code = """
    def attack_success(attacked_predictions, true_labels, written_labels):
        misses = [p != t for p, t in zip(attacked_predictions, true_labels)]
        return float(np.mean(misses))
    """
    setup_code = "import numpy as np"
    success = (
        "a wrong answer is damage; the written word's label is a hijack — the attack's success."
    )

    def find_problem(self, answer: Any) -> str | None:
        for case, (attacked, truth, written) in enumerate(_ATTACKS, start=1):
            got = call_answer(answer, list(attacked), list(truth), list(written))
            where = f"(hand-built case {case}, {len(attacked)} pictures)"
            try:
                value = float(got)
            except (TypeError, ValueError):
                return f"return one number, a share between 0 and 1 {where}; got {got!r}."
            if not 0.0 <= value <= 1.0:
                return f"a success rate is a share between 0 and 1; yours is {value} {where}."
            expected = float(np.mean([p == w for p, w in zip(attacked, written)]))
            wrong = float(np.mean([p != t for p, t in zip(attacked, truth)]))
            if np.isclose(value, wrong) and not np.isclose(wrong, expected):
                return (
                    f"your rate counts every wrong answer {where}; some wrong answers are not "
                    "the written word's label."
                )
            if not np.isclose(value, expected):
                return f"your rate is {value:.3f}, which is not the attack's success rate {where}."
        return None


class RemoveDirection(Question):
    """Project one direction out of a set of unit vectors and renormalise them."""

    name = "remove_direction"
    hints = [
        "The component of a vector v along a unit vector u is (v · u) u; subtract it.",
        "The direction you are given need not have length 1, and the vectors you return are "
        "compared by cosine later.",
    ]
    stub_code = """
    def remove_direction(vectors, direction):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def remove_direction(vectors, direction):
        u = direction / np.linalg.norm(direction)
        rest = vectors - np.outer(vectors @ u, u)
        return rest / np.linalg.norm(rest, axis=1, keepdims=True)
    """
    wrong_code = """
    def remove_direction(vectors, direction):
        rest = vectors - np.outer(vectors @ direction, direction)
        return rest / np.linalg.norm(rest, axis=1, keepdims=True)
    """
    setup_code = "import numpy as np"
    success = "that is the whole defence: one subtraction per vector, then renormalise."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(6)
        for n, d, length in ((10, 4, 3.0), (25, 16, 0.5), (3, 2, 1.0)):
            vectors = unit_rows(rng.normal(size=(n, d)))
            direction = length * unit_rows(rng.normal(size=d))
            got = np.asarray(
                call_answer(answer, vectors.copy(), direction.copy()), dtype=np.float64
            )
            where = f"({n} vectors of {d} dimensions, a direction of length {length})"
            if got.shape != (n, d):
                return f"return an array of shape ({n}, {d}) {where}; yours has shape {got.shape}."
            if not np.isfinite(got).all():
                return f"your vectors hold NaN or inf {where}."
            along = np.abs(got @ unit_rows(direction)).max()
            if along > 1e-6:
                return f"your vectors still have a component along the direction {where}."
            if not np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6):
                return f"your vectors are not all of length 1 {where}."
            if (np.sum(got * vectors, axis=1) <= 0).any():
                return f"some of your vectors point away from the ones you were given {where}."
            u = unit_rows(direction)
            rest = unit_rows(vectors - np.outer(vectors @ u, u))
            if not np.allclose(got, rest, atol=1e-6):
                return f"your vectors lost more than the one direction {where}."
        return None


q1 = AttackSuccess()
q2 = RemoveDirection()
