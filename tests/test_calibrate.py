"""NER calibration: per-label start biases change the trained NER's decisions, are read from a data
file, are applied when the pipeline is built, and are chosen by a search over fold scores."""

from __future__ import annotations

import os
from pathlib import Path

import numpy
import pytest
import spacy

from kg.errors import ModelError
from kg.extract import calibrate as C
from kg.extract.pipeline import build_nlp, model_path

SENTENCE = ("We study neural machine translation and question answering with a stacked bidirectional LSTM "
            "on the SQuAD dataset and report the F1 score.")


@pytest.fixture(scope="module")
def ner_nlp():
    if model_path() is None:
        pytest.skip("no trained NER model in kg/extract/model")
    return spacy.load(model_path())


def labels(nlp, text=SENTENCE) -> list[str]:
    return [e.label_ for e in nlp(text).ents]


def test_a_start_bias_moves_one_label_and_setting_none_restores_the_trained_model(ner_nlp):
    trained = [(e.text, e.label_) for e in ner_nlp(SENTENCE).ents]
    assert "Task" in labels(ner_nlp) and "Method" in labels(ner_nlp)
    cal = C.Calibrated(ner_nlp)
    try:
        cal.set(C.start_bias({"Task": -30.0}))  # the model can no longer start a Task
        assert "Task" not in labels(ner_nlp)
        assert "Method" in labels(ner_nlp)
        cal.set(C.start_bias({"Dataset": 30.0}))  # replaces the Task delta: every token starts a Dataset
        assert labels(ner_nlp).count("Dataset") > 10
    finally:
        cal.set({})
    assert [(e.text, e.label_) for e in ner_nlp(SENTENCE).ents] == trained


def test_actions_the_model_lacks_are_reported(ner_nlp):
    cal = C.Calibrated(ner_nlp)
    try:
        assert cal.set({"B-Method": 0.5, "B-Gene": 1.0}) == ["B-Gene"]
    finally:
        cal.set({})


def test_the_pipeline_applies_the_shipped_bias_file(ner_nlp):
    bias = C.load_bias()
    cal = C.Calibrated(ner_nlp)
    built = build_nlp().get_pipe("ner").model.get_ref("upper").get_param("b")
    expected = cal.base + numpy.array([bias.get(a, 0.0) for a in cal.actions], dtype=cal.base.dtype)
    assert numpy.allclose(built, expected)
    assert set(bias) <= set(cal.actions)  # every action named in the file exists


def test_start_bias_names_both_start_actions_of_a_label():
    assert C.start_bias({"Method": 0.5, "Task": 0.0}) == {"B-Method": 0.5, "U-Method": 0.5}


def test_a_malformed_bias_file_names_file_and_line(tmp_path, monkeypatch):
    (tmp_path / "bad.tsv").write_text("# comment\nB-Method\t0.5\nU-Method\tlots\n")
    monkeypatch.setattr(C, "data_path", lambda name: tmp_path / name)
    with pytest.raises(ModelError, match=r"bad\.tsv:3"):
        C.load_bias("bad.tsv")
    (tmp_path / "good.tsv").write_text("# comment\n\nB-Method\t0.5\nU-Method\t-1\n")
    assert C.load_bias("good.tsv") == {"B-Method": 0.5, "U-Method": -1.0}


def test_search_finds_the_best_bias_per_label_on_the_given_folds():
    seen_folds = set()

    def score(bias, folds):  # a smooth score peaking at Method +1, Task -0.5, whatever the folds
        seen_folds.add(tuple(folds))
        return 1 - (bias.get("B-Method", 0) - 1) ** 2 - (bias.get("U-Task", 0) + 0.5) ** 2

    chosen, best = C.search(score, [0, 2], ["Method", "Dataset", "Task"])
    assert chosen == {"Method": 1.0, "Task": -0.5}
    assert best == pytest.approx(1.0)
    assert seen_folds == {(0, 2)}


def test_nested_chooses_each_folds_bias_without_that_fold():
    def score(bias, folds):  # fold 3 strongly wants Metric +2, every other fold wants no bias
        b = bias.get("B-Metric", 0.0)
        return -sum(5 * abs(b - 2) if f == 3 else abs(b) for f in folds)

    runs = C.nested(score, 4, ["Metric"])
    assert [r["fold"] for r in runs] == [0, 1, 2, 3]
    assert [r["bias"] for r in runs] == [{"Metric": 2.0}] * 3 + [{}]


SHARED = Path(os.environ.get("KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")


@pytest.mark.skipif(not (SHARED / "data" / "scirex-dev-docs").is_dir(),
                    reason=f"SciREX dev papers not found under {SHARED} (set KG_SHARED)")
def test_fold_scorer_runs_the_whole_pipeline_on_each_folds_papers(tmp_path, monkeypatch, ner_nlp):
    from kg.evaluate import score
    from kg.extract.train import abstract_records

    monkeypatch.setenv("KG_SHARED", str(SHARED))
    for i in range(5):  # the shipped model stands in for every fold model (only the mechanics are tested)
        (tmp_path / f"fold{i}-model").symlink_to(model_path(), target_is_directory=True)
    fs = C.FoldScorer(tmp_path, k=5)
    assert sorted(x for f in fs.folds for x in f) == sorted(r["id"] for r in abstract_records())
    preds = fs.predictions({}, [1, 3])
    assert sorted(p["id"] for p in preds) == sorted(fs.folds[1] + fs.folds[3])
    plain = fs.scores({}, [1, 3])
    assert plain == score(fs.gold[1] + fs.gold[3], preds)
    no_tasks = fs.scores(C.start_bias({"Task": -30.0}), [1, 3])
    assert no_tasks["strict"]["Task"]["R"] < plain["strict"]["Task"]["R"]
    assert fs({}, [1, 3]) == plain["strict"]["micro"]["F1"]  # the bias was taken off again


def test_fold_scorer_says_which_fold_model_is_missing(tmp_path, monkeypatch):
    if not (SHARED / "data" / "scirex-dev-docs").is_dir():
        pytest.skip(f"SciREX dev papers not found under {SHARED} (set KG_SHARED)")
    monkeypatch.setenv("KG_SHARED", str(SHARED))
    with pytest.raises(ModelError, match="fold0-model.*kg.extract.crossval"):
        C.FoldScorer(tmp_path, k=5)
