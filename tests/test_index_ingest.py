"""Incremental ingest of a folder: content hashes as ids, only new files on a re-run, and an
ingest killed in the middle of a batch resumes with no duplicate and nothing missing."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from index_fixtures import DIM, OTHER, STAMP, encode_pictures, make_pictures, run_python

from mmlab.index.ingest import ingest_folder, picture_files
from mmlab.index.qdrant import MultiModalIndex, open_local
from mmlab.index.stamp import ModelMismatchError, content_id


def expected_ids(folder) -> set[str]:
    return {content_id(p.read_bytes()) for p in picture_files(folder)}


def test_rerunning_adds_only_new_files_and_duplicates_are_stored_once(tmp_path):
    folder = tmp_path / "pictures"
    make_pictures(folder, 12)
    index = MultiModalIndex(open_local(), "gallery", STAMP)
    first = ingest_folder(index, encode_pictures, STAMP, folder, batch_size=5, progress=False)
    assert (first.seen, first.added, first.already_stored) == (12, 12, 0)
    make_pictures(folder, 3, seed=1, start=100)
    shutil.copy(folder / "pic_0000.png", folder / "zz_copy.png")
    second = ingest_folder(index, encode_pictures, STAMP, folder, batch_size=5, progress=False)
    assert (second.seen, second.added, second.already_stored) == (16, 3, 12)
    assert second.duplicates == [("zz_copy.png", "pic_0000.png")]
    assert set(index.all_ids()) == expected_ids(folder) and index.count() == 15
    hits = index.search(np.eye(DIM, dtype=np.float32)[:1], STAMP, k=20)[0]
    assert len(hits.ids) == 15 and "zz_copy.png" not in {p["name"] for p in hits.payloads}


def test_another_model_cannot_ingest(tmp_path):
    make_pictures(tmp_path, 2)
    index = MultiModalIndex(open_local(), "gallery", STAMP)
    with pytest.raises(ModelMismatchError):
        ingest_folder(index, encode_pictures, OTHER, tmp_path, progress=False)
    assert index.count() == 0


def test_an_unreadable_picture_is_named(tmp_path):
    make_pictures(tmp_path, 2)
    (tmp_path / "broken.png").write_bytes(b"not a picture")
    index = MultiModalIndex(open_local(), "gallery", STAMP)
    with pytest.raises(ValueError, match="broken.png"):
        ingest_folder(index, encode_pictures, STAMP, tmp_path, progress=False)


def test_an_ingest_killed_mid_batch_resumes_without_duplicates_or_loss(tmp_path):
    folder, store = tmp_path / "pictures", tmp_path / "index"
    make_pictures(folder, 23)
    # The first run is killed (SIGKILL, no clean-up) inside its third batch, after half of
    # that batch's points reached the client: two whole batches and a half are on disk.
    crashed = run_python(f"""
        import os, signal
        from index_fixtures import STAMP, encode_pictures
        from mmlab.index.ingest import ingest_folder
        from mmlab.index.qdrant import MultiModalIndex, open_local
        client = open_local({str(store)!r})
        index = MultiModalIndex(client, "gallery", STAMP)
        upsert, calls = client.upsert, []
        def dying_upsert(collection, points, **kwargs):
            calls.append(len(points))
            if len(calls) == 3:
                upsert(collection, points=points[:2], **kwargs)
                os.kill(os.getpid(), signal.SIGKILL)
            return upsert(collection, points=points, **kwargs)
        client.upsert = dying_upsert
        ingest_folder(index, encode_pictures, STAMP, {str(folder)!r}, batch_size=5, progress=False)
    """)
    assert crashed.returncode == -9, crashed.stderr
    resumed = run_python(f"""
        from index_fixtures import STAMP, encode_pictures
        from mmlab.index.ingest import ingest_folder
        from mmlab.index.qdrant import MultiModalIndex, open_local
        index = MultiModalIndex(open_local({str(store)!r}), "gallery", STAMP)
        report = ingest_folder(index, encode_pictures, STAMP, {str(folder)!r}, batch_size=5,
                               progress=False)
        print(report.already_stored, report.added, index.count(), len(index.all_ids()))
        print(*sorted(index.all_ids()))
    """)
    assert resumed.returncode == 0, resumed.stderr
    counts, stored = resumed.stdout.splitlines()
    assert counts.split() == ["12", "11", "23", "23"]  # 5 + 5 + 2 survived the kill
    assert set(stored.split()) == expected_ids(folder)
