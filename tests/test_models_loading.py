"""mmlab.load_model's name resolution, offline failures, safety rules, and the embedded registry."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import models_fixtures
import numpy as np
import pytest
import torch
from models_fixtures import CAPTIONS

import mmlab
from mmlab.models.registry import DEFAULT_MODEL, embedded_names

# Shared fixtures (tiny checkpoints saved once per session).
tiny_dirs = models_fixtures.tiny_dirs

REPO = Path(__file__).resolve().parent.parent


def test_default_is_the_embedded_toy_clip_offline():
    model = mmlab.load_model()
    assert model.name == DEFAULT_MODEL == "toy-clip"
    assert model.kind == "softmax"
    vectors = model.encode_text(["a red circle", "two blue squares"])
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert model.model.dtype == torch.float32  # stored in fp16, computed in float32


def test_available_models_lists_each_embedded_model_on_one_line():
    listing = mmlab.available_models()
    assert DEFAULT_MODEL in listing
    assert sorted(listing) == embedded_names()
    for name, line in listing.items():
        assert "\n" not in line and " MB" in line, (name, line)


def test_a_new_checkpoint_folder_appears_without_code_changes(tmp_path, monkeypatch, tiny_dirs):
    shutil.copytree(tiny_dirs["siglip"], tmp_path / "models" / "my-siglip")
    (tmp_path / "models" / "not-a-model").mkdir()
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    listing = mmlab.available_models()
    assert list(listing) == ["my-siglip"]
    assert listing["my-siglip"].startswith("tiny random siglip for tests | siglip, ")
    assert "no metrics" in listing["my-siglip"]
    model = mmlab.load_model("my-siglip")
    assert model.name == "my-siglip" and model.kind == "sigmoid"


def test_card_metrics_are_shown(tmp_path, monkeypatch, tiny_dirs):
    from mmlab.models.toy_clip import model_card

    folder = tmp_path / "models" / "trained"
    shutil.copytree(tiny_dirs["clip"], folder)
    card = model_card("trained", "trained toy", {"R@1": 0.61234, "steps": 1000}, "body")
    (folder / "README.md").write_text(card)
    monkeypatch.setenv("MMLAB_DATA", str(tmp_path))
    assert mmlab.available_models()["trained"].endswith("| R@1 0.612, steps 1000")


def test_local_folder_as_str_or_path(tiny_dirs):
    by_str = mmlab.load_model(str(tiny_dirs["clip"]))
    by_path = mmlab.load_model(tiny_dirs["clip"])
    np.testing.assert_allclose(by_str.encode_text(CAPTIONS), by_path.encode_text(CAPTIONS))


@pytest.mark.parametrize(
    ("name", "error", "needle"),
    [
        ("not a model!", ValueError, "neither an embedded model"),
        ("toy-clip-that-does-not-exist", ValueError, "neither an embedded model"),
        (Path("/no/such/folder"), ValueError, "neither an embedded model"),
        (3, TypeError, "name is a int"),
    ],
)
def test_bad_names(name, error, needle):
    with pytest.raises(error) as info:
        mmlab.load_model(name)
    assert needle in str(info.value)


def test_folder_without_config(tmp_path):
    with pytest.raises(ValueError, match="has no config.json"):
        mmlab.load_model(str(tmp_path))


def test_only_safetensors_weights_are_loaded(tmp_path, tiny_dirs):
    from safetensors.torch import load_file

    folder = tmp_path / "pickled"
    shutil.copytree(tiny_dirs["clip"], folder)
    state = load_file(folder / "model.safetensors")
    (folder / "model.safetensors").unlink()
    torch.save(state, folder / "pytorch_model.bin")
    with pytest.raises(ValueError) as info:  # refused before anything is read
        mmlab.load_model(str(folder))
    assert str(folder) in str(info.value) and "lacks the weights (model.safetensors" in str(
        info.value
    )


def test_unsupported_model_type(tmp_path):
    from transformers import BertConfig

    BertConfig(
        vocab_size=10, hidden_size=8, num_hidden_layers=1, num_attention_heads=2
    ).save_pretrained(tmp_path)
    with pytest.raises(ValueError, match="is a 'bert' model; load_model supports"):
        mmlab.load_model(str(tmp_path))


def test_remote_code_is_never_run(tmp_path):
    marker = tmp_path / "ran.txt"
    (tmp_path / "evil.py").write_text(f"open({str(marker)!r}, 'w').write('ran')\n")
    config = {"model_type": "evil", "auto_map": {"AutoConfig": "evil.EvilConfig"}}
    (tmp_path / "config.json").write_text(json.dumps(config))
    with pytest.raises((ValueError, OSError)):
        mmlab.load_model(str(tmp_path))
    assert not marker.exists()


def _run_isolated(code: str, tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    """Run `code` in a fresh interpreter with an empty Hugging Face cache and no proxies."""
    dropped = ("HF_", "TRANSFORMERS_OFFLINE")  # the caller says which offline switches apply
    clean = {
        k: v
        for k, v in os.environ.items()
        if "proxy" not in k.lower() and not k.startswith(dropped)
    }
    clean.update({"HF_HOME": str(tmp_path / "hf_home"), "PYTHONPATH": str(REPO), **env})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        env=clean,
        cwd=tmp_path,
    )


UNCACHED = """
    import time
    import mmlab
    start = time.perf_counter()
    try:
        mmlab.load_model("mmlab-tests/uncached-clip")
    except mmlab.models.ModelNotAvailableError as error:
        print(f"{time.perf_counter() - start:.3f}")
        print(error)
    else:
        print("loaded?!")
"""


def test_uncached_hub_id_fails_fast_when_offline(tmp_path):
    result = _run_isolated(UNCACHED, tmp_path, HF_HUB_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    seconds, message = result.stdout.split("\n", 1)
    assert float(seconds) < 3.0, result.stdout
    assert "'mmlab-tests/uncached-clip'" in message and "HF_HUB_OFFLINE=1" in message
    assert "once with internet access" in message and "toy-clip" in message


def test_uncached_hub_id_fails_fast_when_the_hub_is_unreachable(tmp_path):
    # A closed local port stands in for "no network"; HF_HUB_OFFLINE is not set.
    result = _run_isolated(UNCACHED, tmp_path, HF_ENDPOINT="http://127.0.0.1:9")
    assert result.returncode == 0, result.stderr
    seconds, message = result.stdout.split("\n", 1)
    assert float(seconds) < 5.0, result.stdout
    assert "cannot be reached" in message and "'mmlab-tests/uncached-clip'" in message


def test_a_cached_hub_id_loads_offline(tmp_path, tiny_dirs):
    # The Hugging Face cache layout: hub/models--ORG--NAME/{refs/main, snapshots/REVISION/...}.
    repo = tmp_path / "hf_home" / "hub" / "models--mmlab-tests--cached-siglip"
    revision = "0" * 40
    shutil.copytree(tiny_dirs["siglip"], repo / "snapshots" / revision)
    (repo / "refs").mkdir()
    (repo / "refs" / "main").write_text(revision)
    code = """
        import mmlab
        model = mmlab.load_model("mmlab-tests/cached-siglip")
        print(model.name, model.kind, model.encode_text("a red square").shape)
    """
    result = _run_isolated(code, tmp_path, HF_HUB_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "mmlab-tests/cached-siglip sigmoid (1, 32)"


def test_a_missing_tokenizer_package_is_named_with_the_model(tmp_path, tiny_dirs):
    try:
        import sentencepiece  # noqa: F401
    except ImportError:
        pass
    else:
        pytest.skip("sentencepiece is installed here")
    folder = tmp_path / "spm-siglip"
    shutil.copytree(tiny_dirs["siglip"], folder)
    (folder / "tokenizer.json").unlink()
    config = json.loads((folder / "tokenizer_config.json").read_text())
    config["tokenizer_class"] = "SiglipTokenizer"  # what Google's SigLIP checkpoints declare
    (folder / "tokenizer_config.json").write_text(json.dumps(config))
    with pytest.raises(ImportError) as info:
        mmlab.load_model(str(folder))
    assert str(folder) in str(info.value) and "SentencePiece" in str(info.value)


def test_half_precision_is_a_gpu_opt_in():
    from mmlab.models.loading import resolve_dtype

    assert resolve_dtype(None, torch.device("cpu")) == torch.float32
    assert resolve_dtype("float16", torch.device("cuda")) == torch.float16
    assert resolve_dtype(torch.bfloat16, torch.device("cuda")) == torch.bfloat16
    with pytest.raises(ValueError, match="needs a GPU"):
        resolve_dtype("bfloat16", torch.device("cpu"))


def test_only_the_default_siglip_ids_warning_is_hidden():
    import logging

    from mmlab.models.hf_logs import _DropDefaultSiglipIds

    def record(message: str) -> logging.LogRecord:
        return logging.LogRecord("transformers", logging.WARNING, __file__, 1, message, None, None)

    template = (
        "Model config: {} must be `None` or an integer within the vocabulary "
        "(between 0 and {}), got {}. This may result in unexpected behavior."
    )
    keep = _DropDefaultSiglipIds().filter
    assert not keep(record(template.format("bos_token_id", 31999, 49406)))
    assert not keep(record(template.format("eos_token_id", 31999, 49407)))
    assert keep(record(template.format("eos_token_id", 9, 50)))  # a real model's bad id shows
    assert keep(record("Some weights of SiglipModel were not initialized"))


def test_listing_models_and_failing_fast_import_no_torch(tmp_path):
    code = """
        import sys
        import mmlab
        assert "toy-clip" in mmlab.available_models()
        try:
            mmlab.load_model("mmlab-tests/uncached-clip")
        except mmlab.models.ModelNotAvailableError:
            pass
        print(sorted(m for m in ("torch", "transformers") if m in sys.modules))
    """
    result = _run_isolated(code, tmp_path, HF_HUB_OFFLINE="1")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
