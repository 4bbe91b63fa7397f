"""Evaluating retrieval: measures with a documented relevance contract, TREC run and qrels files,
paired comparisons of two systems, and a small approximate index to evaluate against exact search.

Introduced in notebooks/09_retrieval_evaluation.ipynb. One module per idea:

- `measures`: success@K (the CLIP papers' R@K), recall@K, reciprocal rank, nDCG@K, average
  precision, per query, from a score matrix and a graded relevance matrix;
- `trec`: write and read TREC qrels and runs (what trec_eval, ir-measures and ranx read);
- the paired comparisons (bootstrap interval, randomisation test, queries needed) live in
  `mmlab.paired` with lesson 07's sign test, and are re-exported here;
- `ivf`: an inverted-file approximate index and its recall against exact search.

`mmlab.evaluate` keeps lesson 04's one-relevant-item Recall@K and MRR (there recall and success
coincide); this package is the general case.
"""

from __future__ import annotations

from mmlab.paired import (
    PairedComparison,
    bootstrap_interval,
    compare,
    queries_needed,
    randomisation_test,
)
from mmlab.retrieval.measures import (
    average_precision,
    mean_measures,
    ndcg_at_k,
    per_query,
    ranking,
    recall_at_k,
    reciprocal_rank,
    success_at_k,
    success_of_results,
)

__all__ = [
    "PairedComparison",
    "average_precision",
    "bootstrap_interval",
    "compare",
    "mean_measures",
    "ndcg_at_k",
    "per_query",
    "queries_needed",
    "randomisation_test",
    "ranking",
    "recall_at_k",
    "reciprocal_rank",
    "success_at_k",
    "success_of_results",
]
