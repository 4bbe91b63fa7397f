"""MultiModalIndex on embedded Qdrant: the guard, the modality filter, persistence across a
process restart, and a second process on the same folder."""

from __future__ import annotations

import numpy as np
import pytest
from index_fixtures import DIM, OTHER, STAMP, run_python, unit

from mmlab.index.qdrant import MultiModalIndex, open_local
from mmlab.index.stamp import ModelMismatchError, ModelStamp, content_id


@pytest.fixture
def index():
    client = open_local()
    yield MultiModalIndex(client, "gallery", STAMP)
    client.close()


def vectors(n: int, seed: int = 0) -> np.ndarray:
    return unit(np.random.default_rng(seed).normal(size=(n, DIM)))


def ids(n: int, tag: str = "") -> list[str]:
    return [content_id(f"{tag}{i}".encode()) for i in range(n)]


def test_search_filters_by_modality_and_finds_an_exact_copy(index):
    pictures, captions = vectors(20, 1), vectors(10, 2)
    index.add(ids(20, "p"), pictures, "image", STAMP)
    index.add(ids(10, "c"), captions, "text", STAMP, [{"caption": f"c{i}"} for i in range(10)])
    assert (index.count(), index.count("image"), index.count("text")) == (30, 20, 10)
    hits = index.search(captions[3], STAMP, k=5, modality="text")[0]
    assert hits.ids[0] == ids(10, "c")[3] and hits.payloads[0]["caption"] == "c3"
    assert np.isclose(hits.scores[0], 1.0, atol=1e-5)
    only_images = index.search(captions[3], STAMP, k=25, modality="image")[0]
    assert len(only_images.ids) == 20
    assert {p["modality"] for p in only_images.payloads} == {"image"}


def test_adding_the_same_ids_again_stores_them_once(index):
    index.add(ids(5), vectors(5), "image", STAMP)
    index.add(ids(5), vectors(5), "image", STAMP)
    assert index.count() == 5 and len(set(index.all_ids())) == 5


def test_another_model_of_the_same_dimension_is_refused(index):
    with pytest.raises(ModelMismatchError, match="another-encoder"):
        index.add(ids(2), vectors(2), "image", OTHER)
    with pytest.raises(ModelMismatchError, match="another-encoder"):
        index.search(vectors(1), OTHER)
    assert index.count() == 0


def test_vectors_of_another_dimension_are_refused_even_with_the_right_stamp(index):
    with pytest.raises(ModelMismatchError, match="shape"):
        index.add(ids(2), unit(np.ones((2, DIM + 1))), "image", STAMP)
    with pytest.raises(ModelMismatchError, match="shape"):
        index.search(unit(np.ones(DIM - 1)), STAMP)


def test_bad_rows_and_modalities_are_named(index):
    bad = vectors(3)
    bad[1] = np.nan
    with pytest.raises(ValueError, match="row 1"):
        index.add(ids(3), bad, "image", STAMP)
    with pytest.raises(ValueError, match="row 0 has length"):
        index.add(ids(1), np.ones((1, DIM)), "image", STAMP)
    with pytest.raises(ValueError, match="'audio'"):
        index.add(ids(1), vectors(1), "audio", STAMP)
    with pytest.raises(ValueError, match="2 ids, 3 vectors"):
        index.add(ids(2), vectors(3), "image", STAMP)


def test_reopening_with_another_model_is_refused():
    client = open_local()
    MultiModalIndex(client, "gallery", STAMP)
    with pytest.raises(ModelMismatchError, match="opening collection 'gallery'"):
        MultiModalIndex(client, "gallery", ModelStamp("fake-colour-encoder", DIM, "1" * 16))
    client.close()


def test_everything_survives_a_process_restart(tmp_path):
    written = run_python(f"""
        import numpy as np
        from index_fixtures import STAMP, unit
        from mmlab.index.qdrant import MultiModalIndex, open_local
        from mmlab.index.stamp import content_id
        index = MultiModalIndex(open_local({str(tmp_path)!r}), "gallery", STAMP)
        v = unit(np.random.default_rng(0).normal(size=(40, STAMP.dim)))
        index.add([content_id(bytes([i])) for i in range(40)], v, "image", STAMP)
        print("written", index.count())
    """)
    assert written.returncode == 0, written.stderr
    assert "written 40" in written.stdout
    client = open_local(tmp_path)
    index = MultiModalIndex(client, "gallery", STAMP)
    assert index.stored_stamp() == STAMP
    assert sorted(index.all_ids()) == sorted(content_id(bytes([i])) for i in range(40))
    v = unit(np.random.default_rng(0).normal(size=(40, DIM)))
    assert index.search(v[7], STAMP, k=1)[0].ids == [content_id(bytes([7]))]
    client.close()


def test_a_second_process_on_the_same_folder_gets_a_clear_error_and_changes_nothing(tmp_path):
    client = open_local(tmp_path)
    index = MultiModalIndex(client, "gallery", STAMP)
    index.add(ids(10), vectors(10), "image", STAMP)
    second = run_python(f"""
        from index_fixtures import STAMP
        from mmlab.index.qdrant import MultiModalIndex, open_local
        index = MultiModalIndex(open_local({str(tmp_path)!r}), "gallery", STAMP)
        index.add(["00000000-0000-0000-0000-000000000001"], [[1.0] + [0.0] * 15], "image", STAMP)
    """)
    assert second.returncode != 0
    assert "is open in another process" in second.stderr
    index.add(ids(5, "more"), vectors(5, 3), "image", STAMP)  # the first writer carries on
    client.close()
    reopened = MultiModalIndex(open_local(tmp_path), "gallery", STAMP)
    assert reopened.count() == 15
    assert "00000000-0000-0000-0000-000000000001" not in reopened.all_ids()
    reopened.client.close()
