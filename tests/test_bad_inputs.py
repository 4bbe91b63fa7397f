"""Bad input, tried as a new user would: each case gives either the right answer or an error that
names the offending item. A silently wrong number is the one outcome none of them may have.

Groups: evaluation inputs (NaN scores, ambiguous relevance), label and text lists (a bare str),
texts and unknown words, images, model folders and devices, training that diverges, and the toy
world's parameters. Issue 14 listed the first cases; the rest were found by trying the same
mistakes on every public function of the same kind.
"""

from __future__ import annotations

import shutil
import warnings

import numpy as np
import pytest
from models_fixtures import build_checkpoint, random_images

import mmlab
from mmlab import toyworld
from mmlab.evaluate import (
    mean_reciprocal_rank,
    pairwise_preference,
    ranks,
    recall_at_k,
    typographic_attack,
    winoground_scores,
)
from mmlab.models import UnknownWordsWarning
from mmlab.similarity import ZeroShot, class_text_vectors, cosine_matrix, top_k, zero_shot

S = np.array([[0.9, 0.1, 0.2], [0.8, 0.3, 0.5]])  # 2 queries, 3 gallery items

# --------------------------------------------------------------------------- evaluation inputs


@pytest.mark.parametrize(
    "scores",
    [
        np.array([[np.nan, 0.1], [0.2, np.nan]]),  # issue 14's example: it returned 1.0
        np.array([[0.3, 0.1], [0.2, np.inf]]),
        np.array([[0.3, 0.1], [-np.inf, 0.2]]),
    ],
)
@pytest.mark.parametrize("metric", ["recall", "mrr", "ranks"])
def test_non_finite_scores_are_refused_naming_the_row(scores, metric):
    call = {
        "recall": lambda: recall_at_k(scores, [0, 1], 1),
        "mrr": lambda: mean_reciprocal_rank(scores, [0, 1]),
        "ranks": lambda: ranks(scores, [0, 1]),
    }[metric]
    bad_row = int(np.argwhere(~np.isfinite(scores))[0][0])
    with pytest.raises(ValueError, match=f"scores row {bad_row}"):
        call()


@pytest.mark.parametrize(
    "relevant",
    [
        [[False, False, True], [True, False, False]],  # issue 14's example: it returned 1.0
        np.array([[0, 0, 1], [1, 0, 0]]),  # a 0/1 int matrix: mask or index lists?
        [np.array([False, False, True]), np.array([True, False, False])],
        [True, False],
        [np.bool_(True), 0],
        [1.0, 0],  # float indices
        [[1.0], [0]],
        "01",
        5,
        [{"a"}, [0]],
    ],
    ids=[
        "nested-bools",
        "int-01-matrix",
        "list-of-bool-arrays",
        "bool-per-query",
        "numpy-bool-per-query",
        "float-index",
        "float-in-list",
        "string",
        "int",
        "strings-in-set",
    ],
)
def test_ambiguous_or_wrong_relevance_is_refused_with_the_accepted_forms(relevant):
    with pytest.raises(TypeError, match="takes one of three forms"):
        recall_at_k(S, relevant, 1)


def test_the_accepted_relevance_forms_agree():
    truth = 0.0  # issue 14: query 0's relevant item (2) ranks 2nd, query 1's (0) ranks 1st
    mask = np.array([[False, False, True], [True, False, False]])
    assert recall_at_k(S, mask, 1) == pytest.approx(0.5)
    assert recall_at_k(S, [2, 0], 1) == recall_at_k(S, [[2], {0}], 1) == pytest.approx(0.5)
    assert recall_at_k(S, np.array([2, 0]), 1) == pytest.approx(0.5)
    assert recall_at_k(S, [np.array([2]), (0,)], 1) == pytest.approx(0.5)
    assert recall_at_k(S[:1], mask[:1], 1) == truth


def test_a_mask_of_the_wrong_shape_is_named():
    with pytest.raises(ValueError, match=r"relevant has shape \(2, 2\)"):
        recall_at_k(S, np.ones((2, 2), dtype=bool), 1)


@pytest.mark.parametrize("k", [0, -1, 1.5, True])
def test_bad_k_is_refused(k):
    with pytest.raises(ValueError, match="k must be"):
        recall_at_k(S, [0, 1], k)


def test_an_empty_score_matrix_is_refused():
    with pytest.raises(ValueError, match="non-empty"):
        recall_at_k(np.zeros((0, 3)), [], 1)


def test_top_k_refuses_nan_scores():
    with pytest.raises(ValueError, match="scores row 1"):
        top_k(np.array([[0.1, 0.2], [np.nan, 0.1]]), 1)


def test_pairwise_preference_refuses_nan_naming_the_item():
    with pytest.raises(ValueError, match=r"negative\[2\]"):
        pairwise_preference([0.5, 0.6, 0.7], [0.1, 0.2, np.nan])


def test_winoground_refuses_nan_naming_the_item():
    with pytest.raises(ValueError, match=r"s10\[1\]"):
        winoground_scores([1, 1], [0, 0], [0, np.nan], [1, 1])


def test_cosines_refuse_nan_rows():
    with pytest.raises(ValueError, match="a row 1"):
        cosine_matrix(np.array([[1.0, 0.0], [np.nan, 1.0]]), np.eye(2))


# --------------------------------------------------------------------------- lists of strings


def test_zero_shot_refuses_a_bare_label_string():
    # issue 14: zero_shot(model, vectors, "red") used the labels ['r', 'e', 'd']
    with pytest.raises(TypeError, match=r"single string 'red'.*\['red'\]"):
        zero_shot(None, np.eye(3), "red")


def test_zero_shot_refuses_repeated_labels():
    with pytest.raises(ValueError, match=r"labels\[2\] = 'red' repeats labels\[0\]"):
        zero_shot(None, np.eye(3), ["red", "blue", "red"])


def test_zero_shot_refuses_a_non_string_label():
    with pytest.raises(TypeError, match=r"labels\[1\] is int"):
        zero_shot(None, np.eye(3), ["red", 3])


def test_class_text_vectors_refuses_a_bare_template_string():
    with pytest.raises(TypeError, match="templates is the single string"):
        class_text_vectors(None, ["red", "blue"], "a {}")


def test_zero_shot_accuracy_refuses_a_bare_string():
    result = ZeroShot(["a", "b"], np.array([0]), np.ones((1, 2)) / 2, np.zeros((1, 2)))
    with pytest.raises(TypeError, match="true_labels is the single string"):
        result.accuracy("a")


def test_typographic_attack_refuses_bare_strings():
    with pytest.raises(TypeError, match="clean_predictions is the single string"):
        typographic_attack("ab", ["a", "b"], ["a", "b"], ["b", "a"])


# --------------------------------------------------------------------------- texts and words


@pytest.fixture(scope="module")
def toy():
    return mmlab.load_model()


def test_unknown_words_warn_with_the_words_and_how_many_texts(toy):
    with pytest.warns(UnknownWordsWarning) as caught:
        vectors = toy.encode_text(["a purple elephant", "a purple giraffe", "a red circle"])
    message = str(caught[0].message)
    assert "'elephant'" in message and "'giraffe'" in message and "in 2 of 3 texts" in message
    assert "toyworld.vocabulary()" in message
    # what the warning is about: both texts embed identically
    assert np.allclose(vectors[0], vectors[1])


def test_known_words_do_not_warn(toy):
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnknownWordsWarning)
        toy.encode_text(["two small red circles above a blue star"])


def test_the_warning_comes_once_per_call(toy):
    with pytest.warns(UnknownWordsWarning) as caught:
        toy.encode_text(["a dog", "a dog on a beach", "a cat"])
    unknown = [w for w in caught if issubclass(w.category, UnknownWordsWarning)]
    assert len(unknown) == 1 and "in 3 of 3 texts" in str(unknown[0].message)


@pytest.mark.parametrize(
    ("texts", "error", "needle"),
    [
        (None, TypeError, "texts is None"),
        ([], ValueError, "texts is empty"),
        (["a red circle", 3], TypeError, r"texts\[1\] is int"),
        (["a red circle", None], TypeError, r"texts\[1\] is NoneType"),
        (b"a red circle", TypeError, "texts is bytes"),
        ({"a": 1}, TypeError, "texts is a dict"),
    ],
)
def test_bad_texts_are_named(toy, texts, error, needle):
    with pytest.raises(error, match=needle):
        toy.encode_text(texts)


def test_a_single_text_is_wrapped_not_split(toy):
    assert toy.encode_text("a red circle").shape == (1, toy.dim)


# --------------------------------------------------------------------------- images


@pytest.mark.parametrize(
    ("images", "error", "needle"),
    [
        (b"\x89PNG\r\n", TypeError, "images is raw bytes"),
        (bytearray(b"abc"), TypeError, "images is raw bytes"),
        ([random_images(1)[0], b"\x89PNG"], TypeError, r"images\[1\] is raw bytes"),
        (None, TypeError, "images is None"),
        ([], ValueError, "images is empty"),
        ([random_images(1)[0], 7], TypeError, r"images\[1\] is a int"),
        ([np.full((8, 8, 3), 2.0)], ValueError, r"images\[0\] is a float array"),
        ([np.zeros((3, 8, 8))], ValueError, r"channels first"),
        ({"x": 1}, TypeError, "images is a dict"),
    ],
)
def test_bad_images_are_named(toy, images, error, needle):
    with pytest.raises(error, match=needle):
        toy.encode_image(images)


def test_a_missing_file_is_named_with_its_index_and_path(toy, tmp_path):
    with pytest.raises(FileNotFoundError, match=r"images\[1\] \(.*nowhere.png\)"):
        toy.encode_image([random_images(1)[0], tmp_path / "nowhere.png"])


def _break_weights(model, tower: str) -> None:
    """Fill one weight of a tower with NaN, as a diverged training run would leave it."""
    import torch

    projection = model.model.text_projection if tower == "text" else model.model.visual_projection
    with torch.no_grad():
        projection.weight.fill_(float("nan"))


@pytest.mark.parametrize("tower", ["text", "image"])
def test_nan_model_output_is_refused_naming_the_item(tmp_path, tower):
    model = mmlab.load_model(build_checkpoint(tmp_path / "tiny", "clip"))
    _break_weights(model, tower)
    with pytest.raises(ValueError, match=r"NaN or infinite values for (texts|images)\[0\]"):
        if tower == "text":
            model.encode_text(["a red square", "a blue star"])
        else:
            model.encode_image(random_images(2))


# --------------------------------------------------------------------------- model folders


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    return build_checkpoint(tmp_path_factory.mktemp("saved") / "tiny", "clip")


def _copy_without(saved, tmp_path, *names):
    folder = tmp_path / "copy"
    shutil.copytree(saved, folder)
    for name in names:
        (folder / name).unlink()
    return folder


@pytest.mark.parametrize(
    ("removed", "needle"),
    [
        (("tokenizer.json",), "lacks the tokenizer"),
        (("tokenizer.json", "tokenizer_config.json"), "lacks the tokenizer"),
        (("model.safetensors",), "lacks the weights"),
        (("preprocessor_config.json", "processor_config.json"), "lacks the image processor"),
        (("config.json",), "has no config.json"),
    ],
)
def test_an_incomplete_folder_is_refused_naming_what_is_missing(saved, tmp_path, removed, needle):
    present = [name for name in removed if (saved / name).exists()]
    folder = _copy_without(saved, tmp_path, *present)
    with pytest.raises(ValueError, match=needle):
        mmlab.load_model(folder)


def test_a_corrupt_weights_file_names_the_file_and_the_fix(saved, tmp_path):
    folder = _copy_without(saved, tmp_path)
    (folder / "model.safetensors").write_bytes(b"not a safetensors file at all")
    with pytest.raises(mmlab.models.ModelNotAvailableError) as caught:
        mmlab.load_model(folder)
    message = str(caught.value)
    assert "model.safetensors" in message and "corrupt" in message


@pytest.mark.parametrize("name", ["", "   "])
def test_an_empty_name_is_refused(name):
    with pytest.raises(ValueError, match="is empty"):
        mmlab.load_model(name)


def test_an_unavailable_device_is_refused_before_loading(monkeypatch):
    import torch

    from mmlab.models import loading

    def never(*args, **kwargs):
        raise AssertionError("weights were loaded before the device was checked")

    monkeypatch.setattr(loading, "_load_parts", never)
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ValueError, match="not available here; devices here: cpu"):
        mmlab.load_model(device="cuda")


def test_a_non_device_is_refused():
    with pytest.raises(ValueError, match="not a torch device"):
        mmlab.load_model(device="tpu")


# --------------------------------------------------------------------------- training


def test_a_diverging_run_stops_at_the_first_non_finite_loss(tmp_path):
    import torch

    from mmlab.training import get_config, train

    torch.set_num_threads(1)
    config = get_config("live", steps=12, lr=1e4, warmup_steps=0, eval_every=6, batch_size=16)
    with pytest.raises(FloatingPointError, match=r"step \d+: the loss is nan.*learning rate"):
        train(config, progress=False, val=toyworld.load("val"))


# --------------------------------------------------------------------------- toy-world parameters


@pytest.mark.parametrize(
    ("call", "error", "needle"),
    [
        (lambda: toyworld.sample_scenes(0, 3), TypeError, r"default_rng\(0\)"),
        (lambda: toyworld.sample_scenes(None, 3), TypeError, "rng is a NoneType"),
        (lambda: toyworld.training_batch(7, 4), TypeError, r"default_rng\(7\)"),
        (lambda: toyworld.sample_scenes(np.random.default_rng(0), -1), ValueError, "int >= 0"),
        (lambda: toyworld.sample_scenes(np.random.default_rng(0), 2.5), ValueError, "int >= 0"),
        (
            lambda: toyworld.sample_scenes(np.random.default_rng(0), 3, words_fraction=1.5),
            ValueError,
            "words_fraction",
        ),
        (
            lambda: toyworld.sample_scenes(np.random.default_rng(0), 3, fonts=["comic"]),
            ValueError,
            "unknown font 'comic'",
        ),
        (
            lambda: toyworld.caption(_scene(), rng=5),
            TypeError,
            "rng is a int",
        ),
        (
            lambda: toyworld.hard_negative(_scene(), "attribute_swap", rng=5),
            TypeError,
            "rng is a int",
        ),
        (lambda: toyworld.render(_scene(), size=2048), ValueError, "above the limit of 512"),
        (lambda: toyworld.render(_scene(), size=8), ValueError, "too small"),
        (lambda: toyworld.render(_scene(), size=True), TypeError, "must be an int"),
        (lambda: toyworld.render(_scene(), size=64.0), TypeError, "must be an int"),
        (lambda: toyworld.load("nonexistent"), ValueError, "nonexistent"),
    ],
    ids=[
        "seed-for-rng",
        "none-rng",
        "batch-seed",
        "negative-n",
        "float-n",
        "words-fraction",
        "font",
        "caption-rng",
        "negative-rng",
        "render-huge",
        "render-tiny",
        "render-bool",
        "render-float",
        "load-unknown",
    ],
)
def test_bad_toy_world_parameters_are_named(call, error, needle):
    with pytest.raises(error, match=needle):
        call()


def _scene():
    return toyworld.sample_scenes(np.random.default_rng(0), 1)[0]


def test_zero_scenes_is_a_valid_empty_draw():
    assert toyworld.sample_scenes(np.random.default_rng(0), 0) == []
