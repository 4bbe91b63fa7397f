"""`mmlab.lesson.record` writes what a lesson quotes, for the lesson runner to check."""

from __future__ import annotations

import json

import pytest

from mmlab import lesson


def test_record_writes_all_values(tmp_path, monkeypatch):
    target = tmp_path / "r.json"
    monkeypatch.setenv("MMLAB_RECORD", str(target))
    monkeypatch.setattr(lesson, "RECORDED", {})
    assert lesson.record("recall_at_1", 0.5) == 0.5
    lesson.record("gap", 0.8)
    assert json.loads(target.read_text()) == {"gap": 0.8, "recall_at_1": 0.5}


@pytest.mark.parametrize(
    ("key", "value", "match"), [("two words", 1, "identifier"), ("x", float("nan"), "finite")]
)
def test_record_rejects_bad_input(key, value, match):
    with pytest.raises(ValueError, match=match):
        lesson.record(key, value)
