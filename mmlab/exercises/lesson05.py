"""Exercises for notebooks/05_compositional_failures.ipynb: Winoground's three scores by hand from
one 2x2 matrix, a prediction of what an order-blind text encoder scores, and ARO-style pairwise
accuracy from vectors."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import NotAttempted, Question, call_answer, is_blank


def _reference(matrix: np.ndarray) -> tuple[bool, bool, bool]:
    text = matrix[0, 0] > matrix[1, 0] and matrix[1, 1] > matrix[0, 1]
    image = matrix[0, 0] > matrix[0, 1] and matrix[1, 1] > matrix[1, 0]
    return bool(text), bool(image), bool(text and image)


def _probe_matrices() -> list[np.ndarray]:
    """Hand-built cases (all right, text only, image only, ties) and random ones."""
    cases = [
        [[0.9, 0.1], [0.2, 0.8]],  # all right
        [[0.5, 0.6], [0.1, 0.7]],  # each image picks its caption; caption 0 picks image 1
        [[0.5, 0.1], [0.6, 0.7]],  # each caption picks its image; image 0 picks caption 1
        [[0.4, 0.4], [0.4, 0.4]],  # one vector for everything: ties everywhere
        [[0.7, 0.2], [0.7, 0.9]],  # image 0 cannot tell its captions apart (a tie)
        [[0.1, 0.9], [0.8, 0.2]],  # everything swapped
    ]
    rng = np.random.default_rng(5)
    return [np.array(c) for c in cases] + list(rng.random((40, 2, 2)))


class WinogroundByHand(Question):
    """Text, image and group correctness of one Winoground example from its 2x2 matrix."""

    name = "winoground_by_hand"
    hints = [
        "S[i, j] is caption i against image j, so one column holds one image's two captions and "
        "one row holds one caption's two images.",
        "Text score: each image (column) gives its own caption the higher similarity. Image "
        "score: each caption (row) gives its own image the higher similarity. A tie is not a win.",
    ]
    stub_code = """
    def winoground_by_hand(S):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def winoground_by_hand(S):
        text = S[0, 0] > S[1, 0] and S[1, 1] > S[0, 1]  # each image prefers its caption
        image = S[0, 0] > S[0, 1] and S[1, 1] > S[1, 0]  # each caption prefers its image
        return text, image, text and image
    """
    wrong_code = """
    def winoground_by_hand(S):
        text = S[0, 0] > S[0, 1] and S[1, 1] > S[1, 0]
        image = S[0, 0] > S[1, 0] and S[1, 1] > S[0, 1]
        return text, image, text and image
    """
    setup_code = "import numpy as np"
    success = "that is the whole of Winoground's scoring: four comparisons in a 2x2 matrix."

    def find_problem(self, answer: Any) -> str | None:
        for matrix in _probe_matrices():
            got = call_answer(answer, matrix.copy())
            shown = np.array2string(matrix, precision=2, separator=", ").replace("\n", "")
            if not isinstance(got, (tuple, list)) or len(got) != 3:
                return "return three values: (text correct, image correct, group correct)."
            try:
                got = tuple(bool(g) for g in got)
            except (TypeError, ValueError):
                return "each of the three values should be True or False."
            want = _reference(matrix)
            if got == want:
                continue
            if (got[0], got[1]) == (want[1], want[0]):
                return (
                    f"for S = {shown} your text and image answers are swapped: which direction "
                    "compares captions for one image, and which images for one caption?"
                )
            if (matrix == matrix.max()).sum() > 1 or (matrix[0, 0] == matrix[1, 0]):
                return (
                    f"for S = {shown} (it holds ties) your answer is off: what does a tie count as?"
                )
            if got[:2] == want[:2]:
                return (
                    f"for S = {shown} your text and image answers are right but the group is not."
                )
            return f"for S = {shown} you return {got}; check each comparison again."
        return None


class BagOfWordsPrediction(Question):
    """Predict the text, image and group scores of an encoder that ignores word order."""

    name = "bag_of_words_scores"
    hints = [
        "In every quadruple the two captions hold the same words, so an order-blind encoder gives "
        "them exactly the same vector: s00 = s10 and s01 = s11.",
        "With those two equalities, can s00 > s10 ever hold? And for the image score, can "
        "s00 > s01 and s11 > s10 both hold at once?",
    ]
    stub_code = """
    bag_of_words_scores = ____  # (text, image, group), each a share between 0 and 1
    """
    solution_code = """
    bag_of_words_scores = (0.0, 0.0, 0.0)
    """
    wrong_code = """
    bag_of_words_scores = (0.25, 0.25, 1 / 6)
    """
    setup_code = ""
    success = "an encoder that cannot see order cannot pass a single quadruple, on either side."

    def find_problem(self, answer: Any) -> str | None:
        if not isinstance(answer, (tuple, list)) or len(answer) != 3:
            return "give three numbers: (text score, image score, group score)."
        if any(is_blank(a) for a in answer):
            raise NotAttempted("a ____ is still there")
        try:
            text, image, group = (float(a) for a in answer)
        except (TypeError, ValueError):
            return "each of the three scores should be a number between 0 and 1."
        if not all(0.0 <= v <= 1.0 for v in (text, image, group)):
            return "scores are shares of quadruples: each lies between 0 and 1."
        if group > min(text, image):
            return (
                "the group score counts quadruples that pass both tests: it cannot exceed either."
            )
        if (text, image) == (0.25, 0.25) or abs(group - 1 / 6) < 1e-9:
            return "those are the chance scores of a random encoder; this one is not random."
        if text != 0.0:
            return (
                "look at the text side: the two captions get the same vector, so what are "
                "s00 - s10 and s11 - s01, and how does a tie count?"
            )
        if image != 0.0:
            return (
                "look at the image side: with s00 = s10 and s01 = s11, write out both "
                "conditions of the image score in terms of s00 and s01 only."
            )
        if group != 0.0:
            return "the group score needs both the text and the image test to pass."
        return None


class PairwisePreference(Question):
    """ARO-style accuracy from vectors: how often an image is closer to its true caption."""

    name = "preference"
    hints = [
        "Row i of each array belongs to item i. The vectors are unit length, so a row-wise dot "
        "product is the cosine: (a * b).sum(axis=1).",
        "An item counts when its image is strictly closer to the true caption than to the false "
        "one; average those True/False values.",
    ]
    stub_code = """
    def preference(image_vectors, true_vectors, false_vectors):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def preference(image_vectors, true_vectors, false_vectors):
        true_scores = (image_vectors * true_vectors).sum(axis=1)
        false_scores = (image_vectors * false_vectors).sum(axis=1)
        return float(np.mean(true_scores > false_scores))
    """
    wrong_code = """
    def preference(image_vectors, true_vectors, false_vectors):
        scores = image_vectors @ true_vectors.T
        return float(np.mean(scores.argmax(axis=1) == np.arange(len(scores))))
    """
    setup_code = "import numpy as np"
    success = "that is the accuracy ARO and SugarCrepe report; chance is 0.5."

    def find_problem(self, answer: Any) -> str | None:
        rng = np.random.default_rng(17)

        def unit(rows: np.ndarray) -> np.ndarray:
            return rows / np.linalg.norm(rows, axis=1, keepdims=True)

        for n, d in ((10, 4), (37, 8), (3, 2)):
            images = unit(rng.normal(size=(n, d)))
            true = unit(images + rng.normal(scale=1.0, size=(n, d)))
            false = unit(images + rng.normal(scale=1.0, size=(n, d)))
            false[0] = true[0]  # a tie: not a win
            got = call_answer(answer, images.copy(), true.copy(), false.copy())
            where = f"({n} items of {d} dimensions)"
            if np.ndim(got) != 0:
                return f"return one number {where}; yours has shape {np.shape(got)}."
            want = float(np.mean((images * true).sum(1) > (images * false).sum(1)))
            value = float(got)
            if np.isclose(value, want):
                continue
            tied_as_win = float(np.mean((images * true).sum(1) >= (images * false).sum(1)))
            if np.isclose(value, tied_as_win):
                return f"item 0 is a tie {where}; a tie should not count as a win."
            if not 0.0 <= value <= 1.0:
                return f"you return {value:.3f} {where}; a share of items lies between 0 and 1."
            return (
                f"you return {value:.3f} {where}: each image should be compared with its own two "
                "captions only, not with the other items."
            )
        return None


q1 = WinogroundByHand()
q2 = BagOfWordsPrediction()
q3 = PairwisePreference()
