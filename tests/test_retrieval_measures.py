"""mmlab.retrieval.measures against trec_eval (pytrec_eval, the terrier build): random and
hand-built runs, graded relevance, ties, and the queries the contract refuses."""

from __future__ import annotations

import numpy as np
import pytest
import pytrec_eval

from mmlab.retrieval import measures as m

# our name -> trec_eval's measure family and the key it reports
K = (1, 3, 5, 10)
TREC = {
    **{f"success@{k}": f"success_{k}" for k in K},
    **{f"recall@{k}": f"recall_{k}" for k in K},
    **{f"ndcg@{k}": f"ndcg_cut_{k}" for k in K},
    "rr": "recip_rank",
    "ap": "map",
}
FAMILIES = {
    f"success.{','.join(map(str, K))}",
    f"recall.{','.join(map(str, K))}",
    f"ndcg_cut.{','.join(map(str, K))}",
    "recip_rank",
    "map",
}


def trec_eval(scores, grades, item_ids=None):
    """trec_eval's per-query values for every measure in TREC, as {our name: array}."""
    n_queries, n_items = scores.shape
    queries = [f"q{i}" for i in range(n_queries)]
    items = item_ids or [f"d{i:05d}" for i in range(n_items)]
    run = {q: {d: float(scores[i, j]) for j, d in enumerate(items)} for i, q in enumerate(queries)}
    qrels = {
        q: {d: int(grades[i, j]) for j, d in enumerate(items) if grades[i, j] > 0}
        for i, q in enumerate(queries)
    }
    found = pytrec_eval.RelevanceEvaluator(qrels, FAMILIES).evaluate(run)
    return {ours: np.array([found[q][key] for q in queries]) for ours, key in TREC.items()}


def random_case(seed, n_queries=25, n_items=60, levels=3, share=0.2, decimals=None):
    rng = np.random.default_rng(seed)
    scores = rng.normal(size=(n_queries, n_items))
    if decimals is not None:  # coarse scores: many ties
        scores = np.round(scores, decimals)
    grades = rng.integers(1, levels, size=(n_queries, n_items)) * (
        rng.random((n_queries, n_items)) < share
    )
    empty = ~(grades > 0).any(axis=1)
    grades[empty, rng.integers(n_items, size=empty.sum())] = 1  # every query has a relevant item
    return scores, grades


@pytest.mark.parametrize("seed", range(6))
def test_random_runs_agree_with_trec_eval(seed):
    scores, grades = random_case(seed, levels=2 + seed % 3, share=0.05 + 0.1 * (seed % 3))
    ours = m.per_query(scores, grades, list(TREC))
    theirs = trec_eval(scores, grades)
    for name in TREC:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=0, atol=1e-12, err_msg=name)


def test_a_gallery_of_over_1000_items_is_not_cut_at_1000():
    # trec_eval the program keeps 1000 items per query unless told otherwise; pytrec_eval keeps
    # all of them, like us. A relevant item ranked last shows the difference.
    scores, grades = random_case(0, n_queries=3, n_items=1500, share=0.001)
    grades[:] = 0
    grades[:, np.argmin(scores[0])] = 1
    ours = m.per_query(scores, grades, ["ap", "rr"])
    theirs = trec_eval(scores, grades)
    assert ours["ap"][0] == pytest.approx(1 / 1500)
    np.testing.assert_allclose(ours["ap"], theirs["ap"], atol=1e-15)


def test_hand_built_run():
    # one query, five items; ranking by score: d0 d1 d2 d3 d4 with grades 0 2 0 1 0
    scores = np.array([[0.9, 0.8, 0.7, 0.6, 0.5]])
    grades = np.array([[0, 2, 0, 1, 0]])
    got = m.mean_measures(scores, grades, ["success@1", "success@2", "recall@3", "rr", "ap"])
    assert got == {"success@1": 0.0, "success@2": 1.0, "recall@3": 0.5, "rr": 0.5, "ap": 0.5}
    dcg = 2 / np.log2(3) + 1 / np.log2(5)
    ideal = 2 + 1 / np.log2(3)
    assert m.ndcg_at_k(scores, grades, 5)[0] == pytest.approx(dcg / ideal)
    assert m.ndcg_at_k(scores, grades, 1)[0] == 0.0
    np.testing.assert_allclose(
        [got[name] for name in ("success@1", "recall@3", "rr", "ap")],
        [trec_eval(scores, grades)[name][0] for name in ("success@1", "recall@3", "rr", "ap")],
    )


def test_success_and_recall_differ_with_several_relevant_items():
    # five relevant captions per picture, as in Flickr30k: the first hit ends success, recall
    # needs all five
    scores = np.arange(10, 0, -1)[None, :].astype(float)
    grades = np.array([[1, 0, 1, 1, 0, 0, 1, 0, 0, 1]])
    assert m.success_at_k(scores, grades, 1)[0] == 1.0
    assert m.recall_at_k(scores, grades, 1)[0] == pytest.approx(0.2)
    assert m.recall_at_k(scores, grades, 10)[0] == 1.0


def test_ties_are_pessimistic():
    scores = np.array([[0.5, 0.5, 0.5, 0.1]])
    grades = np.array([[1, 0, 2, 0]])
    assert m.ranking(scores, grades)[0].tolist() == [1, 0, 2, 3]  # grade 0, then 1, then 2
    assert m.reciprocal_rank(scores, grades)[0] == 0.5
    assert m.success_at_k(scores, grades, 1)[0] == 0.0


@pytest.mark.parametrize("seed", range(4))
def test_ties_measured_in_our_order_agree_with_trec_eval(seed):
    # trec_eval breaks ties by item id (descending), we by grade (pessimistic). Handing it our
    # order as strictly decreasing scores, every measure agrees; on the raw tied scores, ours is
    # never above trec_eval's (the worst case) and is below it somewhere.
    scores, grades = random_case(seed, decimals=0, levels=3, share=0.3)
    order = m.ranking(scores, grades)
    in_our_order = np.empty_like(scores)
    np.put_along_axis(in_our_order, order, -np.arange(scores.shape[1], dtype=float), axis=1)
    ours = m.per_query(scores, grades, list(TREC))
    strict = trec_eval(in_our_order, grades)
    raw = trec_eval(scores, grades)
    below = False
    for name in TREC:
        np.testing.assert_allclose(ours[name], strict[name], atol=1e-12, err_msg=name)
        assert np.all(ours[name] <= raw[name] + 1e-12), name
        below |= bool(np.any(ours[name] < raw[name] - 1e-12))
    assert below, "these ties should cost something in the worst case"


def test_trec_eval_breaks_ties_by_item_id_descending():
    # the convention the test above relies on, checked: tied items "a" and "b", "b" ranks first
    run = {"q": {"a": 0.5, "b": 0.5}}
    found = pytrec_eval.RelevanceEvaluator({"q": {"a": 1}}, {"recip_rank"}).evaluate(run)
    assert found["q"]["recip_rank"] == 0.5


def test_a_query_with_no_relevant_item_is_refused_by_name():
    scores, grades = random_case(1, n_queries=4)
    grades[2] = 0
    with pytest.raises(ValueError, match="query 2 has no relevant item"):
        m.per_query(scores, grades, ["success@1"])
    # trec_eval drops it when the qrels list nothing for it, and scores it 0 when they list
    # its items as not relevant: the mean then depends on how the qrels were written
    run = {f"q{i}": {f"d{j}": float(s) for j, s in enumerate(row)} for i, row in enumerate(scores)}
    listed = {f"q{i}": {f"d{j}": int(g) for j, g in enumerate(row)} for i, row in enumerate(grades)}
    relevant_only = {q: {d: g for d, g in items.items() if g > 0} for q, items in listed.items()}
    dropped = pytrec_eval.RelevanceEvaluator(relevant_only, {"map"}).evaluate(run)
    zero = pytrec_eval.RelevanceEvaluator(listed, {"map"}).evaluate(run)
    assert "q2" not in dropped and zero["q2"]["map"] == 0.0
    keep = (grades > 0).any(axis=1)  # dropped explicitly, the other queries agree
    ours = m.per_query(scores[keep], grades[keep], ["ap"])["ap"]
    np.testing.assert_allclose(ours, [dropped[q]["map"] for q in ("q0", "q1", "q3")], atol=1e-12)


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_scores_are_refused_naming_the_row(bad):
    scores, grades = random_case(2, n_queries=5)
    scores[3, 7] = bad
    with pytest.raises(ValueError, match="scores row 3, column 7"):
        m.success_at_k(scores, grades, 1)


def test_bad_grades_are_refused():
    scores, grades = random_case(3, n_queries=3, n_items=5)
    with pytest.raises(ValueError, match="integers"):
        m.per_query(scores, grades.astype(float), ["ap"])
    negative = grades.copy()
    negative[1, 4] = -1
    with pytest.raises(ValueError, match="query 1, item 4: grade -1"):
        m.per_query(scores, negative, ["ap"])
    with pytest.raises(ValueError, match="shape"):
        m.per_query(scores, grades[:, :4], ["ap"])
    with pytest.raises(ValueError, match="shape"):
        m.per_query(scores, [0, 1, 2], ["ap"])  # indices are not grades


def test_boolean_grades_are_binary_relevance():
    scores, grades = random_case(4)
    np.testing.assert_array_equal(
        m.average_precision(scores, grades > 0), m.average_precision(scores, (grades > 0) * 1)
    )


def test_bad_names_and_k_are_refused():
    scores, grades = random_case(5, n_queries=2, n_items=4)
    with pytest.raises(ValueError, match="unknown measure 'R@1'"):
        m.per_query(scores, grades, ["R@1"])
    for k in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="k must be a positive int"):
            m.success_at_k(scores, grades, k)


def test_one_relevant_item_matches_lesson_04s_recall():
    from mmlab.evaluate import mean_reciprocal_rank, recall_at_k

    rng = np.random.default_rng(6)
    scores = np.round(rng.normal(size=(40, 40)), 1)  # with ties
    truth = rng.permutation(40)
    grades = np.zeros((40, 40), dtype=int)
    grades[np.arange(40), truth] = 1
    for k in (1, 5):
        assert m.success_at_k(scores, grades, k).mean() == recall_at_k(scores, truth, k)
        assert m.recall_at_k(scores, grades, k).mean() == recall_at_k(scores, truth, k)
    assert m.reciprocal_rank(scores, grades).mean() == pytest.approx(
        mean_reciprocal_rank(scores, truth)
    )


def test_success_of_results_reads_result_lists():
    grades = np.array([[0, 1, 0, 0], [1, 0, 0, 0]])
    found = np.array([[2, 1, -1], [3, -1, -1]])
    np.testing.assert_array_equal(m.success_of_results(found, grades, 1), [0.0, 0.0])
    np.testing.assert_array_equal(m.success_of_results(found, grades, 2), [1.0, 0.0])


def test_success_of_results_refuses_what_it_cannot_score():
    grades = np.array([[0, 1, 0, 0], [1, 0, 0, 0]])
    with pytest.raises(ValueError, match="query 1 has no relevant item"):
        m.success_of_results(np.array([[0, 1], [2, 3]]), np.array([[0, 1, 0, 0], [0, 0, 0, 0]]), 1)
    with pytest.raises(ValueError, match=r"query 0, result 1: index -2"):
        m.success_of_results(np.array([[0, -2], [1, 2]]), grades, 2)
    with pytest.raises(ValueError, match=r"query 1, result 0: index 4 is not an item \(0..3\)"):
        m.success_of_results(np.array([[0, 1], [4, 2]]), grades, 2)
    with pytest.raises(ValueError, match="grades must be integers"):
        m.success_of_results(np.array([[0, 1], [1, 2]]), grades * 0.5, 1)
    with pytest.raises(ValueError, match="int array"):
        m.success_of_results(np.array([[0.0, 1.0], [1.0, 2.0]]), grades, 1)


def test_first_relevant_rank_agrees_with_the_sorted_measures_under_ties():
    rng = np.random.default_rng(11)
    for _ in range(50):
        scores = rng.integers(0, 3, size=(6, 8)).astype(float)  # many ties
        grades = rng.integers(0, 3, size=(6, 8))
        grades[np.arange(6), rng.integers(0, 8, 6)] = 1
        sorted_rr = m.per_query(scores, grades, ["rr", "success@2"])
        np.testing.assert_allclose(m.reciprocal_rank(scores, grades), sorted_rr["rr"])
        np.testing.assert_array_equal(m.success_at_k(scores, grades, 2), sorted_rr["success@2"])
