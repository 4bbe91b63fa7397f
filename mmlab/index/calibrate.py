"""Per-modality score calibration, so that result lists of two modalities can be merged.

Introduced in notebooks/08_vector_index.ipynb. Because of the modality gap, a text query's
cosine with any caption is higher than its cosine with even the right picture, so merging raw
scores puts every caption above every picture. Calibration turns each score into "how far above
this query's typical score for that modality" (a z-score against a reference sample of that
modality) before the lists are merged.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Calibration:
    """Per query and per modality: the mean and spread of the query's cosines with a sample."""

    mean: dict[str, np.ndarray]
    spread: dict[str, np.ndarray]

    def z(self, modality: str, scores: np.ndarray) -> np.ndarray:
        """Calibrated scores: (score - mean) / spread, row by row (one row per query)."""
        if modality not in self.mean:
            raise KeyError(f"no calibration for modality {modality!r}; have {sorted(self.mean)}")
        scores = np.asarray(scores, dtype=np.float64)
        return (scores - self.mean[modality][:, None]) / self.spread[modality][:, None]


def fit_calibration(queries: np.ndarray, samples: dict[str, np.ndarray]) -> Calibration:
    """The mean and standard deviation of each query's cosines with each modality's sample.

    `queries`: (q, d) unit vectors; `samples`: modality -> (n, d) unit vectors, n >= 2, drawn
    from what the index holds. Returns a Calibration.
    """
    queries = np.atleast_2d(np.asarray(queries, dtype=np.float64))
    mean, spread = {}, {}
    for modality, sample in samples.items():
        sample = np.asarray(sample, dtype=np.float64)
        if sample.ndim != 2 or sample.shape[0] < 2 or sample.shape[1] != queries.shape[1]:
            raise ValueError(
                f"sample for {modality!r} has shape {sample.shape}; need (n >= 2, "
                f"{queries.shape[1]})"
            )
        cosines = queries @ sample.T
        mean[modality] = cosines.mean(axis=1)
        spread[modality] = np.maximum(cosines.std(axis=1), 1e-6)
    return Calibration(mean, spread)


def merge(
    lists: dict[str, tuple[np.ndarray, np.ndarray]], k: int, calibration: Calibration | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Merge per-modality result lists into one top-k list per query.

    `lists`: modality -> (ids (q, m), scores (q, m)); scores are calibrated first unless
    `calibration` is None (raw merge). Returns (ids, modality names, merged scores), each (q, k).
    """
    ids, names, scores = [], [], []
    for modality, (found, raw) in lists.items():
        raw = np.asarray(raw, dtype=np.float64)
        ids.append(np.asarray(found))
        names.append(np.full(raw.shape, modality, dtype=object))
        scores.append(raw if calibration is None else calibration.z(modality, raw))
    ids, names, scores = (np.concatenate(a, axis=1) for a in (ids, names, scores))
    if k > scores.shape[1]:
        raise ValueError(f"k = {k} but the lists hold only {scores.shape[1]} results per query")
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    take = np.take_along_axis
    return take(ids, order, 1), take(names, order, 1), take(scores, order, 1)
