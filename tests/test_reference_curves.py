"""Lesson 02's experiments and their reference curves: the configs, the recording script on a
tiny run, and the loader's checks (missing file, wrong name, stale recipe, bad lengths)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from mmlab.training import TrainConfig, get_config
from mmlab.training.experiments import (
    EXPERIMENTS,
    REFERENCE_STEPS,
    history_at_evals,
    load_reference,
)

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "record_reference_curves.py"
TINY = ["width=32", "layers=1", "heads=2", "proj_dim=16", "eval_every=2"]


def load_script():
    spec = importlib.util.spec_from_file_location("record_reference_curves", SCRIPT)
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    return script


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """All eight experiments, 3 steps each of a tiny model, recorded by the script."""
    out = tmp_path_factory.mktemp("curves")
    args = ["--steps", "3", "--out", str(out)]
    written = load_script().main(args + [w for item in TINY for w in ("--set", item)])
    assert sorted(p.name for p in written) == sorted(f"{name}.json" for name in EXPERIMENTS)
    return out


@pytest.fixture
def copy(recorded, tmp_path):
    folder = tmp_path / "curves"
    shutil.copytree(recorded, folder)
    return folder


def edit(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_every_experiment_is_a_valid_live_config_changing_what_its_label_says():
    configs = {name: e.config() for name, e in EXPERIMENTS.items()}
    assert len(configs) == 8 and all(isinstance(c, TrainConfig) for c in configs.values())
    assert all(c.steps == REFERENCE_STEPS for c in configs.values())
    assert EXPERIMENTS["clip-batch-32"].config(steps=7).steps == 7
    for name, config in configs.items():
        assert config.kind == ("siglip" if name.startswith("siglip") else "clip")
        assert config.batch_size == (32 if name.endswith("batch-32") else 128)
        assert config.learn_scale == ("fixed" not in name)
        assert config.loss_name == ("softmax" if name.startswith("clip") else "sigmoid")
        assert get_config("live", **EXPERIMENTS[name].overrides, steps=REFERENCE_STEPS) == config
    assert configs["clip-fixed-1.0"].temperature_init == 1.0
    assert configs["clip-fixed-0.07"].temperature_init == 0.07


def test_the_script_writes_small_files_the_loader_accepts(recorded):
    runs = load_reference(recorded)
    assert list(runs) == list(EXPERIMENTS)
    assert (recorded / "README.md").read_text().count(".json") >= 8
    for name, run in runs.items():
        assert (recorded / f"{name}.json").stat().st_size < 50_000
        assert run.label == EXPERIMENTS[name].label and run.threads == 1
        assert run.config["width"] == 32 and run.config["steps"] == 3
        assert run.history["eval_step"] == [2, 3]
        assert len(run.hits_at_1) == len(run.hits_at_5) == 500  # every val caption is distinct
        assert run.hits_at_1.mean() == pytest.approx(run.history["val_recall_at_1"][-1])
        assert np.all(run.hits_at_5 >= run.hits_at_1)  # a hit at 1 is a hit at 5
        assert run.command.startswith(f"python scripts/record_reference_curves.py --only {name}")
        assert "--set width=32" in run.command
        assert run.wall_s > 0 and run.torch and run.cpu


def test_history_at_evals_averages_the_loss_over_each_window():
    history = type("H", (), {})()
    history.eval_step, history.loss = [2, 5], [4.0, 2.0, 1.0, 1.0, 4.0]
    history.scale = [10.0, 11.0, 12.0, 13.0, 14.0]
    history.val_recall_at_1, history.val_recall_at_5 = [0.1, 0.2], [0.3, 0.4]
    history.train_seconds = [1.0, 2.0]
    series = history_at_evals(history)
    assert series["window_loss"] == [3.0, 2.0]
    assert series["scale"] == [11.0, 14.0]


def test_a_missing_file_names_itself_and_the_command(copy):
    (copy / "siglip-batch-32.json").unlink()
    with pytest.raises(FileNotFoundError, match="siglip-batch-32.json") as error:
        load_reference(copy)
    assert "record_reference_curves.py --only siglip-batch-32" in str(error.value)


def test_a_file_holding_another_run_is_refused(copy):
    edit(copy / "clip-batch-32.json", lambda d: d.update(name="clip-batch-128"))
    with pytest.raises(ValueError, match="clip-batch-32.json holds the run 'clip-batch-128'"):
        load_reference(copy)


def test_a_stale_recipe_is_refused_naming_the_field(copy):
    edit(copy / "clip-fixed-1.0.json", lambda d: d["config"].update(lr=0.5))
    with pytest.raises(ValueError, match=r"clip-fixed-1.0.json was recorded .*\['lr'\]"):
        load_reference(copy)


def test_a_field_added_after_recording_counts_at_its_default(copy):
    edit(copy / "clip-batch-32.json", lambda d: d["config"].pop("loss"))  # as before it existed
    assert load_reference(copy)["clip-batch-32"].config.get("loss") is None
    edit(copy / "sigmoid-batch-32.json", lambda d: d["config"].pop("loss"))  # default: softmax
    with pytest.raises(ValueError, match=r"sigmoid-batch-32.json was recorded .*\['loss'\]"):
        load_reference(copy)


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d.update(hits_at_5=d["hits_at_5"][:-1]), "hits_at_1 has 500 queries"),
        (lambda d: d["history"].update(scale=[1.0]), "history series"),
        (lambda d: d.update(hits_at_1=[2] * len(d["hits_at_1"])), "only 0 and 1"),
        (lambda d: d.update(hits_at_1=[1] * len(d["hits_at_1"])), "not from the final model"),
        (lambda d: d["history"]["val_recall_at_1"].__setitem__(-1, float("nan")), "final model"),
        (lambda d: d.pop("wall_s"), r"lacks the fields \['wall_s'\]"),
    ],
)
def test_bad_lengths_and_values_are_refused_naming_the_file(copy, change, message):
    edit(copy / "siglip-batch-128.json", change)
    with pytest.raises(ValueError, match=message) as error:
        load_reference(copy)
    assert "siglip-batch-128.json" in str(error.value)


def test_a_file_that_is_not_json_names_itself(copy):
    (copy / "clip-batch-32.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match="clip-batch-32.json is not valid JSON"):
        load_reference(copy)


def test_runs_on_different_query_counts_are_refused(copy):
    def fewer(d):
        d["hits_at_1"], d["hits_at_5"] = d["hits_at_1"][:400], d["hits_at_5"][:400]
        for k in (1, 5):
            d["history"][f"val_recall_at_{k}"][-1] = float(np.mean(d[f"hits_at_{k}"]))

    edit(copy / "clip-batch-128.json", fewer)
    with pytest.raises(ValueError, match="different query counts"):
        load_reference(copy)


def test_the_script_refuses_an_unknown_field():
    with pytest.raises(SystemExit, match="widht"):
        load_script().parse_set(["widht=3"])


def test_the_script_reads_values_as_json():
    parsed = load_script().parse_set(["temperature_init=0.07", "learn_scale=false", "kind=siglip"])
    assert parsed == {"temperature_init": 0.07, "learn_scale": False, "kind": "siglip"}
    assert load_script().parse_set(["temperature_init=null"]) == {"temperature_init": None}
    with pytest.raises(SystemExit, match="learn_scale takes true or false"):
        load_script().parse_set(["learn_scale=maybe"])
