"""Per-query retrieval measures over a score matrix and graded judgements: success@K, recall@K,
reciprocal rank, nDCG@K and average precision, named as the IR tools name them.

Introduced in notebooks/09_retrieval_evaluation.ipynb. numpy only.

The relevance contract
----------------------
- `scores` is a (queries, items) matrix of finite floats, higher = better; every item is ranked
  for every query (a full ranking). NaN or infinity is refused, naming the row and column.
- `grades` is a (queries, items) matrix of non-negative integer relevance grades (a boolean
  matrix means grades 0 and 1). 0 = not relevant. Binary measures (success, recall, reciprocal
  rank, average precision) count grade >= 1 as relevant; nDCG uses the grade itself as the gain
  (trec_eval's convention: DCG = sum of grade / log2(rank + 1)).
- A query with no relevant item is refused with an error naming it: every measure here divides
  by, or looks for, its relevant items. IR tools disagree on such queries (dropped, or scored 0);
  drop them yourself, say how many, and evaluate the rest.
- Ties are broken pessimistically: among items with equal scores, lower grades rank first, so
  every measure is the worst case over the orders a tie allows (the same convention as
  `mmlab.evaluate.ranks`). trec_eval breaks ties by item id (descending) instead; see `ranking`.

Names: "success@K" (hit rate; what the CLIP papers call R@K: the share of queries with at least
one relevant item in the top K), "recall@K" (the IR sense: the share of a query's relevant items
found in the top K), "rr" (reciprocal rank; its mean is MRR), "ndcg@K", "ap" (average precision;
its mean is MAP).
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from mmlab.checks import finite_scores, positive_int


def check_grades(grades: Any, shape: tuple[int, int], query_ids: Any = None) -> np.ndarray:
    """Return `grades` as an int64 matrix of `shape`; refuse floats, negatives and queries with
    no relevant item, naming the first offender."""
    array = np.asarray(grades)
    if array.dtype == bool:
        array = array.astype(np.int64)
    if not np.issubdtype(array.dtype, np.integer):
        raise ValueError(
            f"grades must be integers (0 = not relevant) or booleans, got dtype {array.dtype}"
        )
    if array.shape != tuple(shape):
        raise ValueError(f"grades has shape {array.shape} but scores has {tuple(shape)}")
    ids = query_ids if query_ids is not None else range(array.shape[0])
    negative = np.argwhere(array < 0)
    if negative.size:
        row, col = (int(x) for x in negative[0])
        raise ValueError(f"query {ids[row]!r}, item {col}: grade {array[row, col]} is negative")
    empty = np.flatnonzero(~(array > 0).any(axis=1))
    if empty.size:
        raise ValueError(
            f"query {ids[int(empty[0])]!r} has no relevant item ({empty.size} such queries); "
            "the measures are undefined for it: drop such queries explicitly and report how many"
        )
    return array.astype(np.int64)


def ranking(scores: Any, grades: Any) -> np.ndarray:
    """Return, per query, the item indices from best to worst (a (queries, items) int array).

    Higher score first; ties put lower grades first (pessimistic), then lower item index.
    """
    matrix = finite_scores(scores)
    judged = check_grades(grades, matrix.shape)
    order = np.argsort(-matrix, axis=1, kind="stable")
    ordered = np.take_along_axis(matrix, order, axis=1)
    if not (ordered[:, 1:] == ordered[:, :-1]).any():  # no ties: the score order is the order
        return order
    return np.lexsort((judged, -matrix), axis=-1)  # stable: equal keys keep the item order


def ranked_grades(scores: Any, grades: Any) -> np.ndarray:
    """Return the grade of the item at each rank, per query ((queries, items) int array)."""
    judged = check_grades(grades, np.shape(scores))
    return np.take_along_axis(judged, ranking(scores, judged), axis=1)


# Each measure from the ranked grades `ranked` (and, for nDCG, the ideal order of the grades).
def _success(ranked: np.ndarray, k: int) -> np.ndarray:
    return (ranked[:, :k] > 0).any(axis=1).astype(float)


def _recall(ranked: np.ndarray, k: int) -> np.ndarray:
    relevant = ranked > 0
    return relevant[:, :k].sum(axis=1) / relevant.sum(axis=1)


def _reciprocal_rank(ranked: np.ndarray) -> np.ndarray:
    return 1.0 / (np.argmax(ranked > 0, axis=1) + 1)


def _ndcg(ranked: np.ndarray, k: int) -> np.ndarray:
    gains = ranked[:, :k].astype(float)
    ideal = -np.sort(-ranked, axis=1)[:, :k].astype(float)
    discount = 1.0 / np.log2(np.arange(2, gains.shape[1] + 2))
    return (gains * discount).sum(axis=1) / (ideal * discount).sum(axis=1)


def _average_precision(ranked: np.ndarray) -> np.ndarray:
    relevant = ranked > 0
    precision = np.cumsum(relevant, axis=1) / np.arange(1, relevant.shape[1] + 1)
    return (precision * relevant).sum(axis=1) / relevant.sum(axis=1)


def first_relevant_rank(scores: Any, grades: Any) -> np.ndarray:
    """Per query the 1-based rank of its first relevant item, ties pessimistic: every
    irrelevant item scoring at least as high as the best relevant one ranks above it. One pass
    over the matrix, no sort (what success@K and reciprocal rank need)."""
    matrix = finite_scores(scores)
    relevant = check_grades(grades, matrix.shape) > 0
    best = np.where(relevant, matrix, -np.inf).max(axis=1)
    return ((matrix >= best[:, None]) & ~relevant).sum(axis=1) + 1


def success_at_k(scores: Any, grades: Any, k: int) -> np.ndarray:
    """Per query 1.0 if a relevant item is in the top k, else 0.0 (the CLIP papers' "R@K")."""
    k = positive_int(k)
    return (first_relevant_rank(scores, grades) <= k).astype(float)


def recall_at_k(scores: Any, grades: Any, k: int) -> np.ndarray:
    """Per query the share of its relevant items that are in the top k (IR recall@K)."""
    return _recall(ranked_grades(scores, grades), positive_int(k))


def reciprocal_rank(scores: Any, grades: Any) -> np.ndarray:
    """Per query 1 / the rank of its first relevant item (the mean over queries is MRR)."""
    return 1.0 / first_relevant_rank(scores, grades)


def ndcg_at_k(scores: Any, grades: Any, k: int) -> np.ndarray:
    """Per query DCG@k / ideal DCG@k, gains = grades, discount log2(rank + 1) (trec_eval's)."""
    return _ndcg(ranked_grades(scores, grades), positive_int(k))


def average_precision(scores: Any, grades: Any) -> np.ndarray:
    """Per query the mean, over its relevant items, of the precision at each one's rank (the
    mean over queries is MAP)."""
    return _average_precision(ranked_grades(scores, grades))


_AT_K = {"success": _success, "recall": _recall, "ndcg": _ndcg}
_WHOLE = {"rr": _reciprocal_rank, "ap": _average_precision}
_NAME = re.compile(r"^(success|recall|ndcg)@([1-9][0-9]*)$|^(rr|ap)$")


def per_query(scores: Any, grades: Any, measures: list[str] | tuple[str, ...]) -> dict:
    """Return {name: per-query array} for names such as "success@1", "recall@10", "ndcg@10",
    "rr" and "ap". Introduced in notebooks/09_retrieval_evaluation.ipynb."""
    parsed = []
    for name in measures:
        found = _NAME.match(str(name))
        if found is None:
            raise ValueError(f"unknown measure {name!r}; use success@K, recall@K, ndcg@K, rr or ap")
        parsed.append((name, found))
    ranked = ranked_grades(scores, grades)  # rank once, measure many times
    out = {}
    for name, found in parsed:
        if found.group(3):
            out[name] = _WHOLE[found.group(3)](ranked)
        else:
            out[name] = _AT_K[found.group(1)](ranked, int(found.group(2)))
    return out


def mean_measures(scores: Any, grades: Any, measures: list[str] | tuple[str, ...]) -> dict:
    """Return {name: mean over queries} for the names `per_query` takes (rr's mean is MRR,
    ap's is MAP)."""
    return {name: float(v.mean()) for name, v in per_query(scores, grades, measures).items()}


def success_of_results(indices: Any, grades: Any, k: int) -> np.ndarray:
    """Per query 1.0 if one of the first k listed items is relevant, else 0.0, for result lists
    (such as an approximate index's `TopK.indices`; -1 marks an empty slot).

    `grades` follows the relevance contract (a query with no relevant item is refused); every
    index must be an int in [-1, number of items), else the query and slot are named."""
    found = np.asarray(indices)
    if found.ndim != 2 or not np.issubdtype(found.dtype, np.integer):
        raise ValueError(
            f"indices must be a (queries, results) int array, got {found.dtype} {found.shape}"
        )
    if np.ndim(grades) != 2 or np.shape(grades)[0] != found.shape[0]:
        raise ValueError(
            f"grades {np.shape(grades)} must be a (queries, items) matrix for the "
            f"{found.shape[0]} queries of indices"
        )
    judged = check_grades(grades, np.shape(grades))
    bad = np.argwhere((found < -1) | (found >= judged.shape[1]))
    if bad.size:
        row, slot = (int(i) for i in bad[0])
        raise ValueError(
            f"query {row}, result {slot}: index {found[row, slot]} is not an item "
            f"(0..{judged.shape[1] - 1}) or -1 (an empty slot)"
        )
    found = found[:, : positive_int(k)]
    hit = np.take_along_axis(judged, np.maximum(found, 0), axis=1) > 0
    return (hit & (found >= 0)).any(axis=1).astype(float)
