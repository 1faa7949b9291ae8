"""Per-label calibration of the NER's decisions: a bias added to the score of its start actions.

spaCy's transition-based NER picks, token by token, the best-scoring of its actions (``B-Task`` begins a
Task, ``U-Method`` is a one-token Method, ``O`` is outside, ...). Its training objective does not care
about our scorer's trade-off between precision and recall per type, so on unseen papers it starts some
types too rarely or too often. Adding a constant to the output-layer bias of a label's start actions
(``B-`` and ``U-``) moves that balance without retraining: a positive bias finds more entities of that
type, a negative one fewer.

The biases are data (``data/ner_bias.tsv``: ``action<TAB>delta``) and are applied when the pipeline is
built (:func:`kg.extract.pipeline.build_nlp`), to the shipped model or a ``KG_MODEL``. They are chosen
on cross-validation predictions, where every paper is tagged by a fold model that never saw it:
:func:`search` maximises the pooled strict micro F1 of the whole pipeline over the fold models of
``python -m kg.extract.crossval``, and :func:`nested` gives the honest figure (biases chosen on the other
folds, scored on the held-out one). A crossval run scores with the biases in the file, which were chosen
on the same papers, so its figure includes their in-sample gain::

    python -m kg.extract.calibrate --work-dir /tmp/kg-cv [--write]
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence

from spacy.language import Language

from ..errors import ModelError
from .lexicon import data_path

log = logging.getLogger("kg.extract")
BIAS_FILE = "ner_bias.tsv"
GRID = (-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0)


def load_bias(name: str = BIAS_FILE) -> dict[str, float]:
    """``{action: delta}`` from a data file; lines starting with # are comments."""
    out: dict[str, float] = {}
    for lineno, line in enumerate(data_path(name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        try:
            out[parts[0].strip()] = float(parts[1])
        except (IndexError, ValueError):
            raise ModelError(f"{name}:{lineno}: expected 'action<TAB>number' (e.g. 'B-Method\t0.5'), "
                             f"got {line!r}") from None
    return out


def start_bias(label_bias: dict[str, float]) -> dict[str, float]:
    """``{"Method": 0.5}`` -> ``{"B-Method": 0.5, "U-Method": 0.5}``: the start actions of each label."""
    return {f"{a}-{label}": d for label, d in label_bias.items() if d for a in ("B", "U")}


class Calibrated:
    """The NER of ``nlp`` with its output-layer bias as trained (``base``) and a way to set deltas."""

    def __init__(self, nlp: Language):
        if "ner" not in nlp.pipe_names:
            raise ModelError("the pipeline has no 'ner' component to calibrate")
        ner = nlp.get_pipe("ner")
        try:
            self.upper = ner.model.get_ref("upper")
        except KeyError:
            raise ModelError("the NER has no output layer to calibrate (trained with use_upper = false); "
                             "remove data/ner_bias.tsv or retrain with use_upper = true") from None
        self.actions = [ner.moves.get_class_name(i) for i in range(ner.moves.n_moves)]
        self.base = self.upper.get_param("b").copy()

    def set(self, bias: dict[str, float]) -> list[str]:
        """Trained bias + ``bias`` (replacing any earlier deltas); returns the actions the model lacks."""
        b = self.base.copy()
        for i, action in enumerate(self.actions):
            b[i] += bias.get(action, 0.0)
        self.upper.set_param("b", b)
        return sorted(set(bias) - set(self.actions))


def apply_bias(nlp: Language, bias: dict[str, float]) -> None:
    """Add ``bias`` to the NER's action scores (the pipeline build calls this once per model)."""
    if bias and "ner" in nlp.pipe_names:
        unknown = Calibrated(nlp).set(bias)
        if unknown:
            log.warning("NER bias for actions the model does not have (ignored): %s", ", ".join(unknown))


# -- choosing the biases by cross-validation ------------------------------------------------------

Scorer = Callable[[dict[str, float], Sequence[int]], float]


def search(score: Scorer, folds: Sequence[int], labels: Iterable[str], grid: Sequence[float] = GRID,
           passes: int = 2) -> tuple[dict[str, float], float]:
    """Coordinate ascent over one start bias per label: ``score(start_bias, folds)`` is the pooled strict
    micro F1 of those folds' papers. Ties keep the smaller change. Returns ``({label: delta}, F1)``."""
    chosen: dict[str, float] = {}
    best = score(start_bias(chosen), folds)
    for _ in range(passes):
        changed = False
        for label in labels:
            for v in sorted(grid, key=abs):
                if v == chosen.get(label, 0.0):
                    continue
                trial = dict(chosen, **{label: v})
                s = score(start_bias(trial), folds)
                if s > best + 1e-9:
                    best, chosen, changed = s, trial, True
        if not changed:
            break
    return {k: v for k, v in chosen.items() if v}, best


def nested(score: Scorer, k: int, labels: Sequence[str], grid: Sequence[float] = GRID) -> list[dict]:
    """For each fold: the biases chosen on the other ``k - 1`` folds (``search``), to be scored on it."""
    out = []
    for i in range(k):
        rest = [j for j in range(k) if j != i]
        chosen, train_f1 = search(score, rest, labels, grid)
        out.append({"fold": i, "bias": chosen, "train_F1": train_f1})
    return out


class FoldScorer:
    """Scores start biases with the cross-validation fold models in ``work_dir`` (``fold{i}-model``, as
    ``python -m kg.extract.crossval --work-dir`` leaves them): the whole pipeline, uncalibrated but for
    the biases given, extracts each fold's own papers."""

    def __init__(self, work_dir, k: int = 5):
        from pathlib import Path

        from . import crossval, train
        from .pipeline import _build_nlp

        ids = sorted(train.scirex_docs())
        self.folds = crossval.folds(ids, k)
        self.models, self.papers, self.gold = [], [], []
        for i, fold_ids in enumerate(self.folds):
            path = Path(work_dir) / f"fold{i}-model"
            if not (path / "meta.json").exists():
                raise ModelError(f"no fold model {path}: run `python -m kg.extract.crossval --folds {k} "
                                 f"--work-dir {work_dir}` first")
            nlp = _build_nlp(path, True, calibrated=False)
            self.models.append((nlp, Calibrated(nlp)))
            recs = train.abstract_records(fold_ids)
            self.gold.append(recs)
            self.papers.append(crossval.papers_of(recs))

    def predictions(self, bias: dict[str, float], folds: Sequence[int]) -> list[dict]:
        from .pipeline import extract_papers

        preds = []
        for i in folds:
            nlp, cal = self.models[i]
            cal.set(bias)
            try:
                preds += list(extract_papers(self.papers[i], workers=1, nlp=nlp))
            finally:
                cal.set({})
        return preds

    def scores(self, bias: dict[str, float], folds: Sequence[int]) -> dict:
        from ..evaluate import score

        return score([r for i in folds for r in self.gold[i]], self.predictions(bias, folds))

    def __call__(self, bias: dict[str, float], folds: Sequence[int]) -> float:
        return self.scores(bias, folds)["strict"]["micro"]["F1"]


LABELS = ("Method", "Dataset", "Metric", "Task")


def calibrate(work_dir, k: int = 5, grid: Sequence[float] = GRID) -> dict:
    """Nested estimate and final choice of the start biases from the fold models in ``work_dir``."""
    from ..evaluate import score

    fs = FoldScorer(work_dir, k)
    everything = list(range(k))
    runs = nested(fs, k, LABELS, grid)
    preds, plain, gold = [], [], []  # calibrated (nested) and uncalibrated predictions, fold by fold
    for r in runs:
        i = r["fold"]
        p, u, g = fs.predictions(start_bias(r["bias"]), [i]), fs.predictions({}, [i]), fs.gold[i]
        r["test_F1"] = score(g, p)["strict"]["micro"]["F1"]
        r["test_F1_uncalibrated"] = score(g, u)["strict"]["micro"]["F1"]
        preds, plain, gold = preds + p, plain + u, gold + g
    final, final_f1 = search(fs, everything, LABELS, grid)
    return {"uncalibrated": score(gold, plain), "nested": score(gold, preds), "folds": runs,
            "bias": final, "bias_in_sample_F1": final_f1}


def write_bias(label_bias: dict[str, float], note: str, name: str = BIAS_FILE) -> None:
    lines = [f"# {line}" for line in note.splitlines()] + ["# action\tdelta"]
    lines += [f"{a}\t{d:g}" for a, d in sorted(start_bias(label_bias).items())]
    data_path(name).write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":  # pragma: no cover
    import argparse
    import json

    from ..evaluate import format_scores

    ap = argparse.ArgumentParser(description="Choose the NER start biases by cross-validation")
    ap.add_argument("--work-dir", required=True, help="a crossval --work-dir with fold{i}-model directories")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--write", action="store_true", help=f"write the chosen biases to data/{BIAS_FILE}")
    a = ap.parse_args()
    res = calibrate(a.work_dir, a.folds)
    print("uncalibrated\n" + format_scores(res["uncalibrated"]))
    print("nested (biases chosen on the other folds)\n" + format_scores(res["nested"]))
    print(json.dumps(res["folds"], indent=1))
    print("chosen on all folds:", res["bias"], "in-sample F1", res["bias_in_sample_F1"])
    if a.write:
        write_bias(res["bias"], f"NER start biases chosen by `python -m kg.extract.calibrate` on {a.work_dir}\n"
                                f"nested {a.folds}-fold strict micro F1 {res['nested']['strict']['micro']['F1']}, "
                                f"uncalibrated {res['uncalibrated']['strict']['micro']['F1']}")
