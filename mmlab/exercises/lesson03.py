"""Exercises for notebooks/03_shared_space_map.ipynb: measuring the modality gap, and centring a
modality to close it."""

from __future__ import annotations

from typing import Any

import numpy as np

from mmlab.exercises.core import Question, call_answer, unit_rows


def _two_clouds(seed: int, n: int = 12, d: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Paired unit vectors in two cones: images around one direction, texts around another."""
    rng = np.random.default_rng(seed)
    image_axis, text_axis = np.eye(d)[0], np.eye(d)[1]
    images = unit_rows(image_axis + 0.5 * rng.normal(size=(n, d)))
    texts = unit_rows(text_axis + 0.5 * rng.normal(size=(n, d)))
    return images, texts


def _centroid_distance(images: np.ndarray, texts: np.ndarray) -> float:
    return float(np.linalg.norm(images.mean(axis=0) - texts.mean(axis=0)))


class CentroidGap(Question):
    """Liang et al.'s modality gap: the distance between the mean image and the mean caption."""

    name = "centroid_gap"
    hints = [
        "Each modality is a cloud of unit vectors. Find the centre of each cloud first.",
        "The centre of a cloud is the average of its rows (one vector of length d); the gap is "
        "the length of the difference between the two centres.",
    ]
    stub_code = """
    def centroid_gap(image_vectors, text_vectors):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def centroid_gap(image_vectors, text_vectors):
        centre_of_images = image_vectors.mean(axis=0)
        centre_of_texts = text_vectors.mean(axis=0)
        return float(np.linalg.norm(centre_of_images - centre_of_texts))
    """
    wrong_code = """
    def centroid_gap(image_vectors, text_vectors):
        return float(np.mean(np.linalg.norm(image_vectors - text_vectors, axis=1)))
    """
    setup_code = "import numpy as np"
    success = "the gap compares where the two clouds sit, not how close each pair is."

    def find_problem(self, answer: Any) -> str | None:
        same_cloud, _ = _two_clouds(3)
        shuffled = same_cloud[np.random.default_rng(4).permutation(len(same_cloud))]
        cases = [(same_cloud, shuffled)]  # one cloud twice, pairs scrambled: the gap is 0
        cases += [_two_clouds(seed) for seed in (1, 2)]
        for index, (images, texts) in enumerate(cases):
            got = call_answer(answer, images.copy(), texts.copy())
            if not isinstance(got, (float, int, np.floating, np.integer)):
                return f"return one number (a distance), not a {type(got).__name__}."
            got = float(got)
            if not np.isfinite(got) or got < 0:
                return f"a distance is a finite number >= 0; yours gave {got!r}."
            if abs(got - _centroid_distance(images, texts)) > 1e-6:
                if index == 0:
                    return (
                        "for two sets holding the very same vectors in another order, the two "
                        f"clouds sit in the same place and the gap is 0; yours gave {got:.3f}. "
                        "Are you comparing pairs rather than the two clouds?"
                    )
                return f"not the distance between the two clouds' centres (yours: {got:.3f})."
        return None


class CentreModality(Question):
    """Move a modality's cloud to the origin and put every vector back on the unit sphere."""

    name = "centre_modality"
    hints = [
        "Subtract the same vector from every row: the centre of this modality's cloud.",
        "The centre is the average over the rows (axis=0). After subtracting it, the rows are no "
        "longer unit vectors: divide each by its own length again.",
    ]
    stub_code = """
    def centre_modality(X):
        raise NotImplementedError  # your code here
    """
    solution_code = """
    def centre_modality(X):
        shifted = X - X.mean(axis=0)
        return shifted / np.linalg.norm(shifted, axis=1, keepdims=True)
    """
    wrong_code = """
    def centre_modality(X):
        shifted = X - X.mean(axis=1, keepdims=True)
        return shifted / np.linalg.norm(shifted, axis=1, keepdims=True)
    """
    setup_code = "import numpy as np"
    success = "each modality's cloud now sits around the origin, so the gap between them is gone."

    def find_problem(self, answer: Any) -> str | None:
        images, _ = _two_clouds(5, n=10, d=6)
        original = images.copy()
        out = np.asarray(call_answer(answer, images), dtype=np.float64)
        if not np.array_equal(images, original):
            return "your function changed its input in place; return a new array instead."
        if out.shape != images.shape:
            return f"the result should keep the input's shape {images.shape}; yours is {out.shape}."
        lengths = np.linalg.norm(out, axis=1)
        if not np.allclose(lengths, 1.0, atol=1e-6):
            return f"every row should have length 1 again; yours have {np.round(lengths, 3)}."
        shifted = images - images.mean(axis=0)
        want = shifted / np.linalg.norm(shifted, axis=1, keepdims=True)
        if not np.allclose(out, want, atol=1e-6):
            return (
                "the rows have length 1, but the cloud's centre did not move to the origin: "
                "subtract one vector of length d, shared by all rows."
            )
        return None


q1 = CentroidGap()
q2 = CentreModality()
