"""The switch to a real model cannot rot unseen: a lesson runs with MMLAB_MODEL pointing at a locally
built random Hugging Face CLIP whose processor mimics openai/clip-vit-base-patch32 — a 224-pixel
shortest-edge resize and centre crop, and a byte-level BPE tokenizer of its own (trained here on a
few hundred words of plain English, not the toy world's word list), with start and end tokens at
the end of the vocabulary as in the real one.

The model is random, so the numbers the lesson quotes do not apply: MMLAB_RECORD is left unset and
only "runs to the end without an error" is asserted.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import NOTEBOOKS_DIR, execute

LESSONS = sorted(p.name for p in NOTEBOOKS_DIR.glob("0[1-9]_*.ipynb"))  # every lesson with a model
BOS, EOS, UNK = "<|startoftext|>", "<|endoftext|>", "<unk>"
CONTEXT = 77  # tokens, as in CLIP

CORPUS = """
A photograph can show almost anything: a dog asleep on a warm kitchen floor, two children running
along a beach at sunset, a red bicycle leaning against a brick wall, or a plate of green apples on
a small wooden table. People describe such pictures in short sentences, and a model that reads both
the picture and the sentence has to learn which words belong to which things. Colours are easy to
name: red, orange, yellow, green, blue, purple, pink, brown, black and white. Shapes are harder,
because the same object looks different from the left, from the right, from above and from below.
A circle drawn on paper, a square window, a triangle of light on the wall, a diamond on a playing
card, a star in the night sky, a cross on a map, a heart cut out of paper, a half moon that looks
like a semicircle. Large things and small things, one thing or two, three, four or many more. The
camera does not know any of these words; it only records light. The caption does not know about
light; it only holds words. Training on millions of pairs teaches both sides to meet in the middle.
An image of a city street at night, a drawing of a cat, a picture of a mountain lake in the morning,
a painting of flowers in a glass vase, a diagram with arrows and labels, a screenshot of a web page
with some text written on it, a scanned letter, a poster with the word sale printed in bold, a sign
that says stop. Search engines use these models to find pictures from a typed description, and to
find sentences that fit a picture. Some models read text inside images surprisingly well, which is
useful for signs and documents, and dangerous when someone writes a misleading word on an object.
Counting, word order and negation remain hard: a small cat to the left of a large dog is not the
same as a large cat to the right of a small dog, and a room with no chairs is not a room with chairs.
"""


def build_bpe_tokenizer():
    """A byte-level BPE trained on CORPUS, lowercased, <|startoftext|> ... <|endoftext|>, 77 tokens."""
    from tokenizers import Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from tokenizers.trainers import BpeTrainer
    from transformers import PreTrainedTokenizerFast

    backend = Tokenizer(models.BPE(unk_token=UNK))
    backend.normalizer = normalizers.Sequence([normalizers.NFC(), normalizers.Lowercase()])
    backend.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    backend.decoder = decoders.ByteLevel()
    trainer = BpeTrainer(
        vocab_size=700,
        special_tokens=[UNK],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    backend.train_from_iterator(CORPUS.split("\n"), trainer)
    backend.add_special_tokens([BOS, EOS])  # appended last, like CLIP's 49406 and 49407
    backend.post_processor = processors.TemplateProcessing(
        single=f"{BOS} $A {EOS}",
        special_tokens=[(BOS, backend.token_to_id(BOS)), (EOS, backend.token_to_id(EOS))],
    )
    return PreTrainedTokenizerFast(
        tokenizer_object=backend,
        bos_token=BOS,
        eos_token=EOS,
        pad_token=EOS,  # CLIP pads with its end token
        unk_token=UNK,
        model_max_length=CONTEXT,
        padding_side="right",
    )


def build_random_clip(folder: Path) -> Path:
    """Save a small random CLIPModel with a CLIP-like processor in `folder`; return the folder."""
    import torch
    from transformers import CLIPConfig, CLIPModel, CLIPProcessor
    from transformers.models.clip.image_processing_pil_clip import CLIPImageProcessorPil

    from mmlab.models.toy_clip import model_card, save_checkpoint

    tokenizer = build_bpe_tokenizer()
    eos_id = tokenizer.convert_tokens_to_ids(EOS)
    assert eos_id != 2  # HF CLIP pools the wrong token when eos_token_id == 2
    small = {"hidden_size": 32, "intermediate_size": 64, "num_hidden_layers": 2}
    text = {
        **small,
        "num_attention_heads": 2,
        "vocab_size": len(tokenizer),
        "max_position_embeddings": CONTEXT,
        "bos_token_id": tokenizer.convert_tokens_to_ids(BOS),
        "eos_token_id": eos_id,
        "pad_token_id": eos_id,
    }
    vision = {**small, "num_attention_heads": 2, "image_size": 224, "patch_size": 32}
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        model = CLIPModel(
            CLIPConfig(text_config=text, vision_config=vision, projection_dim=64)
        ).eval()
    # The real processor's settings: shortest edge 224 (bicubic), centre crop 224, CLIP's mean/std.
    images = CLIPImageProcessorPil(
        size={"shortest_edge": 224}, crop_size={"height": 224, "width": 224}, do_center_crop=True
    )
    processor = CLIPProcessor(image_processor=images, tokenizer=tokenizer)
    card = model_card("random-clip-224", "random CLIP with a real-style processor", None, "Test.")
    return save_checkpoint(model, processor, folder, card, dtype="float32")


@pytest.fixture(scope="module")
def random_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_random_clip(tmp_path_factory.mktemp("random_clip") / "random-clip-224")


def test_the_checkpoint_mimics_a_real_clip(random_clip):
    import mmlab
    from mmlab.toyworld import vocabulary

    model = mmlab.load_model(str(random_clip))
    picture = mmlab.toyworld.load("singles").images[0]  # 64 x 64
    wide = np.zeros((48, 96, 3), dtype=np.uint8)
    assert tuple(model.pixel_values([picture]).shape) == (1, 3, 224, 224)
    assert tuple(model.pixel_values([wide, wide]).shape) == (2, 3, 224, 224)
    assert model.context_length == CONTEXT and model.kind == "softmax"
    tokenizer = model.processor.tokenizer
    ids = tokenizer("a red semicircle")["input_ids"]
    assert ids[0] == tokenizer.convert_tokens_to_ids(BOS)
    assert ids[-1] == tokenizer.convert_tokens_to_ids(EOS) == len(tokenizer) - 1
    assert len(ids) > 5  # sub-word pieces: not one token per word
    assert len(tokenizer) > 2 * len(vocabulary())  # its own vocabulary, not the toy world's
    vectors = model.encode_text(["a red circle", "A RED CIRCLE", "a blue star"])
    np.testing.assert_allclose(vectors[0], vectors[1], atol=1e-6)  # lowercased, like CLIP
    assert np.abs(vectors[0] - vectors[2]).max() > 1e-4


@pytest.mark.timeout(300)
@pytest.mark.parametrize("name", LESSONS)
def test_lesson_runs_with_a_real_style_model(name, random_clip, monkeypatch):
    monkeypatch.setenv("MMLAB_MODEL", str(random_clip))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    monkeypatch.delenv("MMLAB_RECORD", raising=False)  # a random model's numbers are not quoted
    notebook = execute(NOTEBOOKS_DIR / name, 240.0, label=f"{name} (random 224-px CLIP)")
    printed = "".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
    )
    assert "random-clip-224" in printed, "the lesson did not load the model named in MMLAB_MODEL"
