"""Exercises for notebooks/02_contrastive_training.ipynb: the two contrastive losses by hand.

q1 asks for CLIP's symmetric InfoNCE loss from a matrix of logits, q2 for SigLIP's sigmoid loss.
The checkers compare with a reference on random batches and test the invariants that tell the
usual mistakes apart (one direction only, a softmax where a sigmoid belongs, the wrong average),
without printing the reference code.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer


def _probe_logits(batch: int, seed: int) -> np.ndarray:
    """A (batch, batch) logit matrix with no symmetry, diagonal a little higher on average."""
    rng = np.random.default_rng(seed)
    return rng.normal(scale=3.0, size=(batch, batch)) + 2.0 * np.eye(batch)


def _mean_cross_entropy(logits: np.ndarray) -> float:
    """Mean over rows of -log softmax(row)[i] where row i's right answer is column i."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    return float(-np.mean(np.diag(log_p)))


def reference_info_nce(logits: np.ndarray) -> float:
    """CLIP's loss: the mean of the image->text and text->image cross-entropies."""
    return (_mean_cross_entropy(logits) + _mean_cross_entropy(logits.T)) / 2


def reference_sigmoid_loss(logits: np.ndarray) -> float:
    """SigLIP's loss: -sum log sigmoid(label * logit) over all cells, divided by the batch size."""
    labels = 2.0 * np.eye(len(logits)) - 1.0
    return float(np.logaddexp(0.0, -labels * logits).sum() / len(logits))


def _scalar(answer: Any, logits: np.ndarray) -> tuple[float | None, str | None]:
    """Call the learner's loss on a copy of `logits`; return (value, problem)."""
    probe = logits.copy()
    value = call_answer(answer, probe)
    if not np.array_equal(probe, logits):
        return None, "your function changed the logits in place; work on a copy instead."
    if np.ndim(value) != 0:
        return None, f"the loss should be one number; yours has shape {np.shape(value)}."
    number = float(value)
    if not np.isfinite(number):
        return None, f"your loss is {number} for a batch of moderate logits; it must be finite."
    return number, None


class InfoNCE(Question):
    """The symmetric InfoNCE (CLIP) loss from a (B, B) matrix of logits."""

    name = "info_nce"
    hints = [
        "Row i of the logits scores image i against every caption; its right answer is column i. "
        "Column j scores caption j against every image; its right answer is row j.",
        "Do a softmax cross-entropy over the rows, another over the columns (the transposed "
        "matrix), and average the two. Subtracting each row's maximum before np.exp keeps it "
        "stable.",
    ]
    stub_code = """
    def info_nce(logits):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def info_nce(logits):
        def mean_cross_entropy(rows):  # the right answer of row i is column i
            shifted = rows - rows.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            return -np.mean(np.diag(log_p))

        return float((mean_cross_entropy(logits) + mean_cross_entropy(logits.T)) / 2)
    """
    wrong_code = """
    def info_nce(logits):  # image -> text only
        shifted = logits - logits.max(axis=1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
        return float(-np.mean(np.diag(log_p)))
    """
    setup_code = "import numpy as np"
    success = "that is CLIP's loss; mmlab.losses.clip_loss computes the same from embeddings."

    def find_problem(self, answer: Any) -> str | None:
        flat = np.zeros((6, 6))
        value, problem = _scalar(answer, flat)
        if problem:
            return problem
        if abs(value - np.log(6)) > 1e-6:
            return (
                "when every logit is equal the model is guessing among 6 candidates, so the "
                f"loss should be ln 6 ≈ {np.log(6):.3f}; yours is {value:.3f}."
            )
        for batch, seed in ((5, 0), (8, 1), (3, 2)):
            logits = _probe_logits(batch, seed)
            value, problem = _scalar(answer, logits)
            if problem:
                return problem
            swapped, problem = _scalar(answer, np.ascontiguousarray(logits.T))
            if problem:
                return problem
            if abs(value - swapped) > 1e-6:
                return (
                    "your loss changes when images and captions swap roles (the matrix is "
                    "transposed); CLIP's loss treats both directions alike."
                )
            if abs(value - reference_info_nce(logits)) > 1e-6:
                return (
                    f"on a random {batch}×{batch} batch your loss is {value:.4f}, which is not "
                    "the InfoNCE value: check which entry of each row is the right answer and "
                    "that you average over the batch."
                )
        return None


class SigmoidLoss(Question):
    """SigLIP's sigmoid loss from a (B, B) matrix of logits (scale and bias already applied)."""

    name = "sigmoid_loss"
    hints = [
        "Every cell is its own yes/no question: label +1 on the diagonal (a match), -1 elsewhere. "
        "A cell's loss is -log sigmoid(label * logit).",
        "np.eye(B) builds the diagonal; -log sigmoid(x) equals np.logaddexp(0, -x), which never "
        "overflows. Sum over all cells, then divide by the number of images B.",
    ]
    stub_code = """
    def sigmoid_loss(logits):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def sigmoid_loss(logits):
        labels = 2 * np.eye(len(logits)) - 1  # +1 on the diagonal, -1 elsewhere
        return float(np.logaddexp(0, -labels * logits).sum() / len(logits))
    """
    wrong_code = """
    def sigmoid_loss(logits):  # averages over every cell
        labels = 2 * np.eye(len(logits)) - 1
        return float(np.mean(np.log1p(np.exp(-labels * logits))))
    """
    setup_code = "import numpy as np"
    success = "each pair is judged on its own, so no cell needs the rest of the batch to normalise."

    def find_problem(self, answer: Any) -> str | None:
        logits = _probe_logits(6, 3)
        value, problem = _scalar(answer, logits)
        if problem:
            return problem
        shifted, problem = _scalar(answer, logits + 5.0)
        if problem:
            return problem
        if abs(value - shifted) < 1e-9:
            return (
                "adding the same number to every logit left your loss unchanged: that is how a "
                "softmax behaves. Here every cell is its own yes/no question."
            )
        confident = np.where(np.eye(6, dtype=bool), 20.0, -20.0)
        good, problem = _scalar(answer, confident)
        if problem:
            return problem
        if good > 1e-6:
            return (
                "a batch whose matches score +20 and whose non-matches score -20 is answered "
                f"perfectly, so its loss should be about 0; yours is {good:.3g}."
            )
        for batch, seed in ((4, 4), (9, 5)):
            probe = _probe_logits(batch, seed)
            value, problem = _scalar(answer, probe)
            if problem:
                return problem
            want = reference_sigmoid_loss(probe)
            if abs(value - want) > 1e-6:
                return (
                    f"on a random {batch}×{batch} batch your loss is {value:.4f}, which is not "
                    "the sigmoid loss: check the labels and how you normalise the sum (the "
                    "loss of one batch should grow with the batch size)."
                )
        return None


q1 = InfoNCE()
q2 = SigmoidLoss()
