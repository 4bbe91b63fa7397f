"""The unified multi-modal index on PostgreSQL + pgvector: "the database you already run".

Introduced in notebooks/08_vector_index.ipynb. The same patterns as `MultiModalIndex`, written
in SQL: one table with a `modality` column; the model's stamp in the table's comment *and* in a
CHECK constraint, so the database itself refuses a row from another model, whoever writes it;
the dimension typed by the column (`vector(64)`); one partial HNSW index per modality, so a text
query for pictures walks a graph of pictures only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

import numpy as np

from mmlab.index.qdrant import MODALITIES, Hits, check_modality, check_vectors
from mmlab.index.stamp import ModelMismatchError, ModelStamp


def _check_table_name(table: str) -> str:
    if not isinstance(table, str) or not re.fullmatch(r"[a-z_][a-z0-9_]{0,40}", table):
        raise ValueError(f"table must be a lower-case identifier such as 'gallery', got {table!r}")
    return table


class PgIndex:
    """A pgvector table of unit vectors with a `modality` column and a model-stamp CHECK.

    `conninfo` is a libpq connection string. Creating the table needs the `vector` extension
    (created here if the user may). Opening an existing table with another model's stamp raises
    ModelMismatchError.
    """

    def __init__(
        self, conninfo: str, table: str, stamp: ModelStamp, m: int = 16, ef_construct: int = 64
    ):
        import psycopg
        from pgvector.psycopg import register_vector
        from psycopg import sql

        self.table, self.stamp = _check_table_name(table), stamp
        self.connection = psycopg.connect(conninfo, autocommit=True)
        self.connection.execute("CREATE EXTENSION IF NOT EXISTS vector")
        register_vector(self.connection)
        name = sql.Identifier(table)
        stored = self.stored_stamp()
        if stored is not None:
            stored.require(stamp, f"opening table {table!r}")
            return
        with self.connection.transaction():
            self.connection.execute(
                sql.SQL(
                    "CREATE TABLE {t} (id uuid PRIMARY KEY, "
                    "modality text NOT NULL CHECK (modality IN ('image', 'text')), "
                    "model text NOT NULL CONSTRAINT {check} CHECK (model = {key}), "
                    "payload jsonb NOT NULL DEFAULT '{{}}', "
                    "embedding vector({dim}) NOT NULL)"
                ).format(
                    t=name,
                    check=sql.Identifier(f"{table}_one_model"),
                    key=sql.Literal(stamp.key),
                    dim=sql.Literal(stamp.dim),
                )
            )
            self.connection.execute(
                sql.SQL("COMMENT ON TABLE {t} IS {c}").format(
                    t=name, c=sql.Literal(json.dumps(stamp.as_dict()))
                )
            )
            for modality in MODALITIES:
                self.connection.execute(
                    sql.SQL(
                        "CREATE INDEX {i} ON {t} USING hnsw (embedding vector_cosine_ops) "
                        "WITH (m = {m}, ef_construction = {ef}) WHERE modality = {mod}"
                    ).format(
                        i=sql.Identifier(f"{table}_{modality}_hnsw"),
                        t=name,
                        m=sql.Literal(m),
                        ef=sql.Literal(ef_construct),
                        mod=sql.Literal(modality),
                    )
                )

    def stored_stamp(self) -> ModelStamp | None:
        """The stamp in the table's comment; None if the table does not exist."""
        row = self.connection.execute(
            "SELECT to_regclass(%s) IS NOT NULL, obj_description(to_regclass(%s), 'pg_class')",
            (self.table, self.table),
        ).fetchone()
        if not row[0]:
            return None
        if not row[1]:
            raise ModelMismatchError(f"table {self.table!r} records no model stamp in its comment")
        return ModelStamp.from_dict(json.loads(row[1]))

    def add(
        self,
        ids: Sequence[str],
        vectors: Any,
        modality: str,
        stamp: ModelStamp,
        payloads: Sequence[dict[str, Any]] | None = None,
    ) -> int:
        """Insert one batch in one transaction; ids already stored are left as they are
        (content-hash ids: same id, same content). Returns the number of rows inserted."""
        from psycopg import errors, sql
        from psycopg.types.json import Jsonb

        what = f"adding to {self.table!r}"
        self.stamp.require(stamp, what)
        check_modality(modality)
        array = check_vectors(vectors, self.stamp.dim, what)
        payloads = list(payloads) if payloads is not None else [{} for _ in ids]
        if not (len(ids) == len(array) == len(payloads)):
            raise ValueError(f"{len(ids)} ids, {len(array)} vectors, {len(payloads)} payloads")
        rows = [(i, modality, stamp.key, Jsonb(p), v) for i, v, p in zip(ids, array, payloads)]
        query = sql.SQL(
            "INSERT INTO {t} (id, modality, model, payload, embedding) VALUES (%s, %s, %s, %s, %s) "
            "ON CONFLICT (id) DO NOTHING"
        ).format(t=sql.Identifier(self.table))
        try:
            with self.connection.transaction(), self.connection.cursor() as cursor:
                before = self.count()
                cursor.executemany(query, rows)
                return self.count() - before
        except errors.CheckViolation as error:
            raise ModelMismatchError(f"{what}: the database refused the rows: {error}") from error

    def search(
        self, query: Any, stamp: ModelStamp, k: int = 10, modality: str = "image", ef: int = 40
    ) -> list[Hits]:
        """The k nearest rows of one modality per query row, through that modality's partial
        HNSW index (`ef` = hnsw.ef_search). Returns a list of Hits."""
        from psycopg import sql

        self.stamp.require(stamp, f"searching {self.table!r}")
        queries = check_vectors(query, self.stamp.dim, f"searching {self.table!r}")
        statement = sql.SQL(
            "SELECT id, 1 - (embedding <=> %(q)s) AS score, payload FROM {t} "
            "WHERE modality = %(m)s ORDER BY embedding <=> %(q)s LIMIT %(k)s"
        ).format(t=sql.Identifier(self.table))
        out = []
        with self.connection.transaction():
            self.connection.execute(
                sql.SQL("SET LOCAL hnsw.ef_search = {}").format(sql.Literal(int(ef)))
            )
            for q in queries:
                found = self.connection.execute(
                    statement, {"q": q, "m": check_modality(modality), "k": k}
                ).fetchall()
                out.append(
                    Hits(
                        [str(r[0]) for r in found],
                        np.array([r[1] for r in found], dtype=np.float32),
                        [r[2] for r in found],
                    )
                )
        return out

    @property
    def collection(self) -> str:
        """The table's name (what `MultiModalIndex` calls its collection)."""
        return self.table

    def existing(self, ids: Sequence[str]) -> set[str]:
        """Which of `ids` are already stored."""
        from psycopg import sql

        statement = sql.SQL("SELECT id FROM {t} WHERE id = ANY(%s::uuid[])").format(
            t=sql.Identifier(self.table)
        )
        return {str(row[0]) for row in self.connection.execute(statement, (list(ids),))}

    def count(self, modality: str | None = None) -> int:
        from psycopg import sql

        statement = sql.SQL("SELECT count(*) FROM {t}").format(t=sql.Identifier(self.table))
        if modality is None:
            return self.connection.execute(statement).fetchone()[0]
        statement += sql.SQL(" WHERE modality = %s")
        return self.connection.execute(statement, (check_modality(modality),)).fetchone()[0]

    def close(self) -> None:
        self.connection.close()
