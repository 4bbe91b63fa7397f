"""Order-blind captions and the bag-of-words encoder on hand-built cases."""

from __future__ import annotations

import numpy as np
import pytest

from mmlab.bag_of_words import OrderBlindEncoder, same_words, shuffled_words, sorted_words
from mmlab.evaluate import quadruple_similarities, winoground_scores


def test_sorted_words_by_hand():
    assert sorted_words("a red circle above a blue square") == "a a above blue circle red square"
    assert sorted_words(["b a", "a b"]) == ["a b", "a b"]


def test_shuffled_words_keeps_words_changes_order_and_is_reproducible():
    captions = [f"w{i} x{i} y{i} z{i} a b c" for i in range(20)]
    once, again = shuffled_words(captions, seed=3), shuffled_words(captions, seed=3)
    assert once == again
    assert all(same_words(s, c) for s, c in zip(once, captions))
    assert sum(s != c for s, c in zip(once, captions)) >= 15  # 7 words: 1/5040 stay put
    assert shuffled_words(captions, seed=4) != once
    assert isinstance(shuffled_words("one two", seed=0), str)


def test_same_words():
    assert same_words("a red circle and a blue square", "a blue circle and a red square")
    assert not same_words("a red circle", "a red red circle")
    assert not same_words("two circles", "three circles")


@pytest.mark.parametrize(
    ("texts", "error", "match"),
    [
        (["a b", 3], TypeError, r"texts\[1\] is a int"),
        (["a b", "   "], ValueError, r"texts\[1\] holds no words"),
        ([], ValueError, "empty"),
        (7, TypeError, "str or a list of str"),
    ],
)
def test_bad_captions_are_named(texts, error, match):
    with pytest.raises(error, match=match):
        sorted_words(texts)


def test_shuffled_words_rejects_a_bad_seed():
    with pytest.raises(TypeError, match="seed"):
        shuffled_words("a b", seed=0.5)


class WordOrderModel:
    """A fake model whose text vector depends on word order: one-hot of the first word, plus a
    little of the second, so reordering changes it."""

    vocabulary = ["a", "b", "c"]

    def encode_text(self, texts):
        texts = [texts] if isinstance(texts, str) else texts
        rows = []
        for text in texts:
            words = text.split()
            row = np.zeros(3)
            row[self.vocabulary.index(words[0])] += 1.0
            row[self.vocabulary.index(words[1])] += 0.5
            rows.append(row / np.linalg.norm(row))
        return np.array(rows)

    def encode_image(self, images):
        return np.asarray(images, dtype=np.float64)


def test_order_blind_encoder_gives_same_words_the_same_vector():
    model = WordOrderModel()
    assert not np.allclose(model.encode_text("a b"), model.encode_text("b a"))
    blind = OrderBlindEncoder(model)
    assert np.allclose(blind.encode_text("a b"), blind.encode_text("b a"))
    assert np.allclose(blind.encode_text(["c a"]), model.encode_text(["a c"]))
    assert np.array_equal(blind.encode_image([[1.0, 0.0, 0.0]]), [[1.0, 0.0, 0.0]])


def test_order_blind_encoder_scores_zero_on_a_winoground_pair():
    # quadruple: caption 0 "a b" fits image 0, caption 1 "b a" fits image 1
    model, images = WordOrderModel(), np.array([[1.0, 0.4, 0.0], [0.4, 1.0, 0.0]])
    captions = ["a b", "b a"]
    ordered = winoground_scores(*quadruple_similarities(images, model.encode_text(captions)))
    assert (ordered.text, ordered.image, ordered.group) == (1.0, 1.0, 1.0)
    blind = OrderBlindEncoder(model)
    scores = winoground_scores(*quadruple_similarities(images, blind.encode_text(captions)))
    assert (scores.text, scores.image, scores.group) == (0.0, 0.0, 0.0)


def test_order_blind_encoder_needs_a_model():
    with pytest.raises(TypeError, match="lacks encode_image"):
        OrderBlindEncoder(type("TextOnly", (), {"encode_text": lambda self, t: t})())
