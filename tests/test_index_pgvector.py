"""The unified index on a real PostgreSQL + pgvector server, started on 127.0.0.1 by these tests
and stopped afterwards. Without PostgreSQL they skip with one line saying how to enable them;
CI sets MMLAB_REQUIRE_POSTGRES=1 so that there they fail instead of skipping."""

from __future__ import annotations

import os

import numpy as np
import pytest
from index_fixtures import DIM, OTHER, STAMP, unit

from mmlab.index.pgserver import HOW_TO_ENABLE, TemporaryPostgres, find_bindir
from mmlab.index.stamp import ModelMismatchError, content_id


@pytest.fixture(scope="module")
def server():
    missing = find_bindir() is None
    try:
        import pgvector  # noqa: F401
        import psycopg  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("MMLAB_REQUIRE_POSTGRES"):
            pytest.fail(HOW_TO_ENABLE + " (MMLAB_REQUIRE_POSTGRES is set)")
        pytest.skip(HOW_TO_ENABLE)
    with TemporaryPostgres() as pg:
        yield pg


@pytest.fixture
def table(server, request):
    from mmlab.index.pgvector import PgIndex

    index = PgIndex(server.conninfo, request.node.name.lower()[:40], STAMP)
    yield index
    index.close()


def gap_vectors(n: int, seed: int = 0):
    """Pictures and captions of n scenes, the two clouds apart (a modality gap)."""
    rng = np.random.default_rng(seed)
    scenes = rng.normal(size=(n, DIM))
    image_side, text_side = unit(rng.normal(size=DIM)), unit(rng.normal(size=DIM))
    pictures = unit(scenes + 3.0 * image_side)
    captions = unit(scenes + 0.3 * rng.normal(size=(n, DIM)) + 3.0 * text_side)
    return pictures, captions


def test_rows_of_another_model_are_refused_by_the_database_itself(table):
    import psycopg

    v = unit(np.ones((1, DIM)))
    with pytest.raises(ModelMismatchError, match="another-encoder"):
        table.add([content_id(b"x")], v, "image", OTHER)
    with pytest.raises(psycopg.errors.CheckViolation, match="one_model"):
        table.connection.execute(
            f"INSERT INTO {table.table} (id, modality, model, embedding) VALUES "
            "(gen_random_uuid(), 'image', %s, %s)",
            (OTHER.key, v[0]),
        )
    with pytest.raises(psycopg.errors.DataException, match="dimensions"):
        table.connection.execute(
            f"INSERT INTO {table.table} (id, modality, model, embedding) VALUES "
            "(gen_random_uuid(), 'image', %s, %s)",
            (STAMP.key, np.ones(DIM + 1, dtype=np.float32)),
        )
    assert table.count() == 0


def test_reopening_the_table_with_another_model_is_refused(server, table):
    from mmlab.index.pgvector import PgIndex

    with pytest.raises(ModelMismatchError, match="opening table"):
        PgIndex(server.conninfo, table.table, OTHER)


def test_partial_hnsw_index_per_modality_finds_pictures_for_text_queries(table):
    pictures, captions = gap_vectors(600)
    picture_ids = [content_id(b"p%d" % i) for i in range(600)]
    assert table.add(picture_ids, pictures, "image", STAMP) == 600
    assert table.add([content_id(b"c%d" % i) for i in range(600)], captions, "text", STAMP) == 600
    assert table.add(picture_ids[:10], pictures[:10], "image", STAMP) == 0  # already stored
    plan = table.connection.execute(
        f"EXPLAIN SELECT id FROM {table.table} WHERE modality = 'image' "
        "ORDER BY embedding <=> %s LIMIT 10",
        (captions[0],),
    ).fetchall()
    assert f"{table.table}_image_hnsw" in " ".join(row[0] for row in plan)
    queries = captions[:50]
    hits = table.search(queries, STAMP, k=10, modality="image", ef=100)
    exact = np.argsort(-(queries @ pictures.T), axis=1)[:, :10]
    found = [[picture_ids.index(i) for i in h.ids] for h in hits]
    recall = np.mean([len(set(f) & set(e)) / 10 for f, e in zip(found, exact)])
    assert recall >= 0.9, recall
    assert all(h.payloads == [{}] * 10 for h in hits)


def test_one_graph_over_both_modalities_filtered_afterwards_misses_the_pictures(table):
    """The trap the partial indexes avoid, reproduced on the server: an HNSW index over all
    rows, and `WHERE modality = 'image'` applied to the graph's candidates."""
    pictures, captions = gap_vectors(600, seed=1)
    table.add([content_id(b"p%d" % i) for i in range(600)], pictures, "image", STAMP)
    table.add([content_id(b"c%d" % i) for i in range(600)], captions, "text", STAMP)
    name = table.table
    table.connection.execute(
        f"CREATE INDEX {name}_all ON {name} USING hnsw (embedding vector_cosine_ops)"
    )
    table.connection.execute(f"DROP INDEX {name}_image_hnsw")
    with table.connection.transaction():
        table.connection.execute("SET LOCAL hnsw.ef_search = 40")
        table.connection.execute("SET LOCAL enable_seqscan = off")
        rows = [
            table.connection.execute(
                f"SELECT id FROM {name} WHERE modality = 'image' "
                "ORDER BY embedding <=> %s LIMIT 10",
                (q,),
            ).fetchall()
            for q in captions[:20]
        ]
    assert np.mean([len(r) for r in rows]) < 2  # 10 asked for, almost none come back


def test_ingest_into_postgres_is_incremental(table, tmp_path):
    from index_fixtures import encode_pictures, make_pictures

    from mmlab.index.ingest import ingest_folder

    make_pictures(tmp_path, 9)
    first = ingest_folder(table, encode_pictures, STAMP, tmp_path, batch_size=4, progress=False)
    make_pictures(tmp_path, 2, seed=5, start=50)
    second = ingest_folder(table, encode_pictures, STAMP, tmp_path, batch_size=4, progress=False)
    assert (first.added, second.already_stored, second.added) == (9, 9, 2)
    assert table.count("image") == 11


def test_nothing_is_lost_when_the_server_crashes(server, table):
    v = unit(np.random.default_rng(2).normal(size=(30, DIM)))
    table.add([content_id(b"k%d" % i) for i in range(30)], v, "image", STAMP)
    server.restart("immediate")  # no checkpoint: recovery replays the write-ahead log
    from mmlab.index.pgvector import PgIndex

    reopened = PgIndex(server.conninfo, table.table, STAMP)
    assert reopened.count("image") == 30
    assert reopened.search(v[4], STAMP, k=1)[0].ids == [content_id(b"k4")]
    reopened.close()
