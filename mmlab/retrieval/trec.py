"""Runs and judgements in the TREC formats that trec_eval, pytrec_eval, ir-measures and ranx
read, and back.

Introduced in notebooks/09_retrieval_evaluation.ipynb.

- qrels (judgements): one line per relevant item, `query 0 item grade`; an item not listed for
  a query is not relevant to it.
- run: one line per ranked item, `query Q0 item rank score tag`, best first. trec_eval ignores
  the rank column: it re-sorts by score and breaks ties by item id in descending order, not
  pessimistically.

Reading gives the dictionaries pytrec_eval takes ({query: {item: grade}} and
{query: {item: score}}); `to_matrices` turns a run and qrels back into the score and grade
matrices `mmlab.retrieval.measures` takes, refusing a query found in one but not the other.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from mmlab.checks import finite_scores
from mmlab.retrieval.measures import check_grades


def _check_ids(ids: Any, n: int, what: str) -> list[str]:
    names = [str(i) for i in ids]
    if len(names) != n:
        raise ValueError(f"{len(names)} {what} ids for {n} {what}s")
    for name in names:
        if not name or any(c.isspace() for c in name):
            raise ValueError(
                f"{what} id {name!r} is empty or holds white space (TREC splits on it)"
            )
    if len(set(names)) != n:
        raise ValueError(f"{what} ids are not unique")
    return names


def write_qrels(path: str | Path, grades: Any, query_ids: Any, item_ids: Any) -> Path:
    """Write the relevant (grade > 0) entries of a (queries, items) grade matrix as TREC qrels."""
    judged = np.asarray(grades)
    if judged.ndim != 2:
        raise ValueError(f"grades must be a (queries, items) matrix, got shape {judged.shape}")
    queries = _check_ids(query_ids, judged.shape[0], "query")
    items = _check_ids(item_ids, judged.shape[1], "item")
    judged = check_grades(judged, judged.shape, queries)
    lines = [f"{queries[q]} 0 {items[i]} {judged[q, i]}" for q, i in zip(*np.nonzero(judged > 0))]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_run(
    path: str | Path,
    scores: Any,
    query_ids: Any,
    item_ids: Any,
    *,
    depth: int | None = None,
    tag: str = "mmlab",
) -> Path:
    """Write a score matrix as a TREC run: per query its items best first (ties in item order),
    with rank and score; `depth` keeps only the top `depth` items of each query."""
    matrix = finite_scores(scores, query_ids)
    queries = _check_ids(query_ids, matrix.shape[0], "query")
    items = _check_ids(item_ids, matrix.shape[1], "item")
    order = np.argsort(-matrix, axis=1, kind="stable")[:, :depth]
    lines = [
        f"{queries[q]} Q0 {items[i]} {rank} {float(matrix[q, i])!r} {tag}"
        for q in range(matrix.shape[0])
        for rank, i in enumerate(order[q], start=1)
    ]
    path = Path(path)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(path: str | Path, fields: int, what: str) -> list[tuple[int, list[str]]]:
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != fields:
            raise ValueError(f"{path}, line {number}: a {what} line has {fields} fields: {line!r}")
        rows.append((number, parts))
    return rows


def read_qrels(path: str | Path) -> dict[str, dict[str, int]]:
    """Read TREC qrels into {query: {item: grade}}; refuse a repeated pair, a grade that is not an
    integer, or a negative grade, naming the line."""
    qrels: dict[str, dict[str, int]] = {}
    for number, (query, _, item, grade) in _rows(path, 4, "qrels"):
        try:
            value = int(grade)
        except ValueError:
            raise ValueError(f"{path}, line {number}: grade {grade!r} is not an integer") from None
        if value < 0:
            raise ValueError(f"{path}, line {number}: grade {value} is negative (0 = not relevant)")
        if item in qrels.setdefault(query, {}):
            raise ValueError(f"{path}, line {number}: query {query!r}, item {item!r} repeated")
        qrels[query][item] = value
    return qrels


def read_run(path: str | Path) -> dict[str, dict[str, float]]:
    """Read a TREC run into {query: {item: score}}; refuse a repeated pair or a bad score."""
    run: dict[str, dict[str, float]] = {}
    for number, (query, _, item, _, score, _) in _rows(path, 6, "run"):
        value = float(score) if _is_number(score) else float("nan")
        if not np.isfinite(value):
            raise ValueError(f"{path}, line {number}: score {score!r} is not a finite number")
        if item in run.setdefault(query, {}):
            raise ValueError(f"{path}, line {number}: query {query!r}, item {item!r} repeated")
        run[query][item] = value
    return run


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def to_matrices(
    run: dict[str, dict[str, float]], qrels: dict[str, dict[str, int]]
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Return (scores, grades, query ids, item ids) for a full-ranking run and its qrels.

    Refused, naming the query or item: a query in the run but not in the qrels or the other way
    round (tools differ here: error, score 0 or silently dropped), a query that does not rank
    every item, and a judged item that no query ranks. Items a query does not list in the qrels
    get grade 0. Queries and items keep the run's order.
    """
    only_run = [q for q in run if q not in qrels]
    only_qrels = [q for q in qrels if q not in run]
    if only_run:
        raise ValueError(f"query {only_run[0]!r} is in the run but has no judgements")
    if only_qrels:
        raise ValueError(f"query {only_qrels[0]!r} is judged but missing from the run")
    queries = list(run)
    items = list(dict.fromkeys(item for ranked in run.values() for item in ranked))
    position = {item: i for i, item in enumerate(items)}
    scores = np.empty((len(queries), len(items)))
    grades = np.zeros((len(queries), len(items)), dtype=np.int64)
    for q, query in enumerate(queries):
        if len(run[query]) != len(items):
            raise ValueError(
                f"query {query!r} ranks {len(run[query])} of {len(items)} items; the measures "
                "here need full rankings (write the run without depth)"
            )
        for item, score in run[query].items():
            scores[q, position[item]] = score
        for item, grade in qrels[query].items():
            if item not in position:
                raise ValueError(f"query {query!r}: judged item {item!r} is in no ranking")
            grades[q, position[item]] = grade
    return scores, grades, queries, items
