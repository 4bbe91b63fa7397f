"""TREC qrels and run files: trec_eval reads what we write, we read it back, and a query found
in the run or the judgements but not both is refused by name."""

from __future__ import annotations

import numpy as np
import pytest
import pytrec_eval

from mmlab.retrieval import measures as m
from mmlab.retrieval import trec


def case():
    rng = np.random.default_rng(0)
    scores = rng.normal(size=(6, 12))
    grades = rng.integers(0, 3, size=(6, 12))
    grades[:, 0] = np.maximum(grades[:, 0], 1)
    return scores, grades, [f"t{i}" for i in range(6)], [f"img{i:03d}" for i in range(12)]


def test_round_trip_and_trec_eval_reads_our_files(tmp_path):
    scores, grades, queries, items = case()
    qrels_file = trec.write_qrels(tmp_path / "qrels.txt", grades, queries, items)
    run_file = trec.write_run(tmp_path / "run.txt", scores, queries, items, tag="toy")
    first = run_file.read_text().splitlines()[0].split()
    assert first[1] == "Q0" and first[3] == "1" and first[5] == "toy"
    qrels, run = trec.read_qrels(qrels_file), trec.read_run(run_file)
    back_scores, back_grades, back_queries, back_items = trec.to_matrices(run, qrels)
    assert back_queries == queries
    order = [back_items.index(i) for i in items]
    np.testing.assert_array_equal(back_scores[:, order], scores)  # scores written exactly
    np.testing.assert_array_equal(back_grades[:, order], grades)
    with open(qrels_file) as q, open(run_file) as r:
        their_qrels, their_run = pytrec_eval.parse_qrel(q), pytrec_eval.parse_run(r)
    found = pytrec_eval.RelevanceEvaluator(their_qrels, {"map", "ndcg_cut.5"}).evaluate(their_run)
    ours = m.per_query(scores, grades, ["ap", "ndcg@5"])
    np.testing.assert_allclose(ours["ap"], [found[q]["map"] for q in queries], atol=1e-12)
    np.testing.assert_allclose(
        ours["ndcg@5"], [found[q]["ndcg_cut_5"] for q in queries], atol=1e-12
    )


def test_depth_keeps_the_top_items(tmp_path):
    scores, _, queries, items = case()
    run = trec.read_run(trec.write_run(tmp_path / "run.txt", scores, queries, items, depth=3))
    assert all(len(ranked) == 3 for ranked in run.values())
    assert set(run["t0"]) == {items[i] for i in np.argsort(-scores[0])[:3]}


def test_missing_queries_are_refused_by_name(tmp_path):
    scores, grades, queries, items = case()
    run = trec.read_run(trec.write_run(tmp_path / "run.txt", scores, queries, items))
    qrels = trec.read_qrels(trec.write_qrels(tmp_path / "qrels.txt", grades, queries, items))
    without = {q: r for q, r in run.items() if q != "t3"}
    with pytest.raises(ValueError, match="query 't3' is judged but missing from the run"):
        trec.to_matrices(without, qrels)
    unjudged = {q: j for q, j in qrels.items() if q != "t4"}
    with pytest.raises(ValueError, match="query 't4' is in the run but has no judgements"):
        trec.to_matrices(run, unjudged)
    # what trec_eval does with the same two files: it drops both queries without a word
    found = pytrec_eval.RelevanceEvaluator(unjudged, {"map"}).evaluate(without)
    assert "t3" not in found and "t4" not in found and len(found) == 4


def test_partial_rankings_and_unranked_judgements_are_refused(tmp_path):
    scores, grades, queries, items = case()
    run = trec.read_run(trec.write_run(tmp_path / "run.txt", scores, queries, items, depth=5))
    qrels = trec.read_qrels(trec.write_qrels(tmp_path / "qrels.txt", grades, queries, items))
    with pytest.raises(ValueError, match="ranks 5 of"):
        trec.to_matrices(run, qrels)
    full = trec.read_run(trec.write_run(tmp_path / "full.txt", scores, queries, items))
    qrels["t1"]["elsewhere"] = 1
    with pytest.raises(ValueError, match="query 't1': judged item 'elsewhere' is in no ranking"):
        trec.to_matrices(full, qrels)


def test_bad_lines_and_ids_are_refused(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("q1 0 d1 1\nq1 0 d2\n")
    with pytest.raises(ValueError, match="line 2"):
        trec.read_qrels(bad)
    bad.write_text("q1 0 d1 high\n")
    with pytest.raises(ValueError, match="line 1: grade 'high'"):
        trec.read_qrels(bad)
    bad.write_text("q1 Q0 d1 1 nan tag\n")
    with pytest.raises(ValueError, match="line 1: score 'nan'"):
        trec.read_run(bad)
    bad.write_text("q1 Q0 d1 1 0.5 tag\nq1 Q0 d1 2 0.4 tag\n")
    with pytest.raises(ValueError, match="line 2: query 'q1', item 'd1' repeated"):
        trec.read_run(bad)
    scores, grades, queries, items = case()
    with pytest.raises(ValueError, match="white space"):
        trec.write_run(tmp_path / "r.txt", scores, ["a b", *queries[1:]], items)
    with pytest.raises(ValueError, match="not unique"):
        trec.write_qrels(tmp_path / "q.txt", grades, queries, [items[0]] * len(items))
    scores[2, 5] = np.nan
    with pytest.raises(ValueError, match="scores row 2 \\(query 't2'\\), column 5"):
        trec.write_run(tmp_path / "r.txt", scores, queries, items)


def test_read_qrels_refuses_a_negative_grade(tmp_path):
    path = tmp_path / "qrels.txt"
    path.write_text("q1 0 d1 1\nq1 0 d2 -1\n")
    with pytest.raises(ValueError, match="line 2: grade -1 is negative"):
        trec.read_qrels(path)
