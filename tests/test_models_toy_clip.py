"""mmlab.models.toy_clip: tokenizer, model builder, checkpoint writer and the uint8 fast path."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
from models_fixtures import TINY, VOCAB, build_checkpoint, random_images
from safetensors import safe_open

from mmlab.models import toy_clip
from mmlab.paths import models_dir


def test_tokenizer_ids_specials_and_text_normalisation():
    tok = toy_clip.build_tokenizer(VOCAB, max_length=8)
    assert tok.eos_token_id == toy_clip.EOS_ID != 2
    assert (tok.pad_token_id, tok.bos_token_id) == (toy_clip.PAD_ID, toy_clip.BOS_ID)
    ids = tok("A Red, square!")["input_ids"]
    word = {w: tok.convert_tokens_to_ids(w) for w in ("a", "red", "square")}
    assert ids == [toy_clip.BOS_ID, word["a"], word["red"], word["square"], toy_clip.EOS_ID]
    assert tok("zebra")["input_ids"][1] == toy_clip.UNK_ID


def test_tokenizer_truncation_keeps_eos():
    tok = toy_clip.build_tokenizer(VOCAB, max_length=5)
    ids = tok("a red square left of the blue circle", truncation=True, max_length=5)["input_ids"]
    assert len(ids) == 5 and ids[0] == toy_clip.BOS_ID and ids[-1] == toy_clip.EOS_ID


@pytest.mark.parametrize(
    ("vocabulary", "error", "needle"),
    [
        ([], ValueError, "empty"),
        (["red", "red"], ValueError, "vocabulary[1] = 'red' repeats vocabulary[0]"),
        (["red", "Blue"], ValueError, "vocabulary[1] = 'Blue'"),
        (["red", "t-shirt"], ValueError, "vocabulary[1] = 't-shirt'"),
        (["<eos>"], ValueError, "vocabulary[0] = '<eos>' is a reserved"),
        (["red", 3], TypeError, "vocabulary[1] is int"),
        ("red blue", TypeError, "list of words"),
    ],
)
def test_bad_vocabulary_is_named(vocabulary, error, needle):
    with pytest.raises(error) as info:
        toy_clip.build_tokenizer(vocabulary)
    assert needle in str(info.value)


def test_processor_padding_defaults_per_kind():
    _, clip = toy_clip.build_toy_model(VOCAB, "clip", **TINY)
    _, siglip = toy_clip.build_toy_model(VOCAB, "siglip", **TINY)
    texts = ["a red square", "star"]
    assert len(clip(text=texts)["input_ids"][1]) == 5  # padded to the longest (3 words + 2)
    assert len(siglip(text=texts)["input_ids"][1]) == TINY["max_length"]


def test_clip_config_and_initial_scale():
    model, _ = toy_clip.build_toy_model(VOCAB, "clip", **TINY)
    text = model.config.text_config
    assert (text.bos_token_id, text.eos_token_id, text.pad_token_id) == (2, 3, 0)
    assert text.vocab_size == len(VOCAB) + 4
    assert model.logit_scale.item() == pytest.approx(math.log(1 / 0.07), rel=1e-6)
    assert model.config.projection_dim == TINY["proj_dim"]


def test_siglip_initial_scale_and_bias_follow_the_paper():
    model, _ = toy_clip.build_toy_model(VOCAB, "siglip", **TINY)
    assert model.logit_scale.item() == pytest.approx(math.log(10), rel=1e-6)
    assert model.logit_bias.item() == pytest.approx(-10.0)


def test_clip_text_tower_pools_at_the_eos_token():
    model, processor = toy_clip.build_toy_model(VOCAB, "clip", **TINY)
    inputs = processor(text=["a red square", "star"], return_tensors="pt")
    with torch.no_grad():
        out = model.text_model(**inputs)
    eos = (inputs["input_ids"] == toy_clip.EOS_ID).int().argmax(dim=1)
    expected = out.last_hidden_state[torch.arange(2), eos]
    torch.testing.assert_close(out.pooler_output, expected)


def test_seed_decides_the_weights_and_leaves_global_rng_alone():
    torch.manual_seed(123)
    before = torch.rand(1)
    torch.manual_seed(123)
    a, _ = toy_clip.build_toy_model(VOCAB, "clip", seed=1, **TINY)
    assert torch.rand(1) == before
    b, _ = toy_clip.build_toy_model(VOCAB, "clip", seed=1, **TINY)
    c, _ = toy_clip.build_toy_model(VOCAB, "clip", seed=2, **TINY)
    weight = "vision_model.embeddings.patch_embedding.weight"
    assert torch.equal(a.state_dict()[weight], b.state_dict()[weight])
    assert not torch.equal(a.state_dict()[weight], c.state_dict()[weight])


@pytest.mark.parametrize(
    ("kwargs", "needle"),
    [
        ({"kind": "vit"}, "kind='vit'"),
        ({"image_size": 30}, "image_size=30 is not a multiple of patch_size=8"),
        ({"width": 33}, "width=33 is not a multiple of heads=2"),
    ],
)
def test_bad_sizes_are_refused(kwargs, needle):
    args = {**TINY, "kind": "clip", **kwargs}
    with pytest.raises(ValueError, match=needle.replace("(", r"\(")):
        toy_clip.build_toy_model(VOCAB, **args)


@pytest.mark.parametrize("kind", ["clip", "siglip"])
def test_checkpoint_is_standard_and_loads_with_auto_classes(tmp_path, kind):
    from transformers import AutoModel, AutoProcessor

    folder = build_checkpoint(tmp_path / kind, kind, dtype="float16")
    expected = {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "tokenizer_config.json",
        "preprocessor_config.json",
        "processor_config.json",
        "README.md",
    }
    assert expected <= {p.name for p in folder.iterdir()}
    with safe_open(folder / "model.safetensors", framework="pt") as weights:
        dtypes = {weights.get_tensor(key).dtype for key in weights.keys()}
    assert dtypes == {torch.float16}
    config = json.loads((folder / "config.json").read_text())
    assert config["model_type"] == kind and config["text_config"]["eos_token_id"] == 3
    model = AutoModel.from_pretrained(folder, use_safetensors=True, dtype=torch.float32)
    processor = AutoProcessor.from_pretrained(folder, backend="pil")
    assert type(model).__name__ == {"clip": "CLIPModel", "siglip": "SiglipModel"}[kind]
    assert processor.image_processor.size == {"height": 32, "width": 32}
    assert "tiny random" in (folder / "README.md").read_text()


def test_save_checkpoint_leaves_the_model_unchanged(tmp_path):
    model, processor = toy_clip.build_toy_model(VOCAB, "clip", **TINY)
    toy_clip.save_checkpoint(model, processor, tmp_path, "card", dtype="float16")
    assert next(model.parameters()).dtype == torch.float32
    with pytest.raises(ValueError, match="dtype='int8'"):
        toy_clip.save_checkpoint(model, processor, tmp_path, "card", dtype="int8")
    with pytest.raises(ValueError, match="card"):
        toy_clip.save_checkpoint(model, processor, tmp_path, "  ")


def test_embedded_checkpoints_stay_small():
    weights = sorted(models_dir().glob("*/model.safetensors"))
    assert weights, f"no embedded checkpoint under {models_dir()}"
    for path in weights:
        assert path.stat().st_size <= 5_000_000, f"{path} is {path.stat().st_size:,} bytes"


@pytest.mark.parametrize("kind", ["clip", "siglip"])
@pytest.mark.parametrize("size", [32, 20])
def test_uint8_fast_path_equals_the_processor(kind, size):
    _, processor = toy_clip.build_toy_model(VOCAB, kind, **TINY)
    images = random_images(4, size=size, seed=size)
    fast = toy_clip.pixel_values_from_uint8(images, processor)
    slow = processor(images=list(images), return_tensors="pt")["pixel_values"]
    assert fast.shape == (4, 3, 32, 32) and fast.dtype == torch.float32
    assert torch.equal(fast, slow)


@pytest.mark.parametrize(
    ("images", "error", "needle"),
    [
        (np.zeros((2, 8, 8, 3), dtype=np.float32), ValueError, "uint8"),
        (np.zeros((8, 8, 3), dtype=np.uint8), ValueError, "(B, H, W, 3)"),
        (np.zeros((0, 8, 8, 3), dtype=np.uint8), ValueError, "empty"),
        ([np.zeros((8, 8, 3), dtype=np.uint8)], TypeError, "numpy array"),
    ],
)
def test_uint8_fast_path_refuses_other_input(images, error, needle):
    _, processor = toy_clip.build_toy_model(VOCAB, "clip", **TINY)
    with pytest.raises(error) as info:
        toy_clip.pixel_values_from_uint8(images, processor)
    assert needle in str(info.value)
