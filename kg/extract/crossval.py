"""K-fold cross-validation of the whole ``kg extract`` pipeline over the 100 SciREX dev papers.

The papers are ordered by md5(paper id) (the order :func:`kg.extract.train.split_ids` uses, so fold 0
is the fixed 20-paper held-out split) and cut into ``k`` folds. For each fold an NER model is trained
on the other papers only (full documents + title/abstract, the shipped settings), then the complete
pipeline (NER + lexicons + rules + resolver, selected with ``KG_MODEL``) extracts the fold's
title+abstract records. The predictions of all folds together are scored with the official scorer's
definitions (:func:`kg.evaluate.score`), so every paper is scored by a model that never saw it.
Lexicons and rules are fixed, not re-fitted per fold.

    python -m kg.extract.crossval --folds 5 --processes 2 --work-dir /tmp/kg-cv [--record kg/extract/model]

``--record MODEL_DIR`` adds the result to that model's ``scores.json`` and model card. A run too long
for one sitting can be split: ``--only 2 --record MODEL_DIR --merge`` runs fold 2 and pools it with the
folds already recorded there.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from . import train as T
from .card import model_card


def folds(ids, k: int) -> list[list[str]]:
    order = sorted(set(ids), key=lambda i: hashlib.md5(i.encode()).hexdigest())
    size = -(-len(order) // k)
    return [sorted(order[i * size:(i + 1) * size]) for i in range(k)]


def papers_of(recs: list[dict]):
    """Paper records for the pipeline from title+abstract records (``train.abstract_records``)."""
    from ..models import Paper

    return [Paper(id=r["id"], title=r.get("title") or "", abstract=r.get("abstract") or "") for r in recs]


def _run_fold(job: tuple) -> dict:
    """Train on everything but the fold, then extract the fold with the full pipeline."""
    import spacy

    from . import pipeline as P

    i, test_ids, all_ids, work, seed, max_steps, config, overrides, reuse, silver, teacher, procs = job
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    t0 = time.time()
    model = work / f"fold{i}-model"
    if not (reuse and (model / "meta.json").exists()):  # reuse: re-score new rules with the same NERs
        docs = T.scirex_docs()
        train_ids = [x for x in all_ids if x not in set(test_ids)]
        vocab = spacy.blank("en").vocab
        tdocs = T.build_training_docs(vocab, docs, train_ids, "none", 3, True, seed)
        ddocs = T.scirex_training_docs(vocab, docs, train_ids[:8], 1, full=False)
        ov = dict(overrides or {}) | ({"training.max_steps": max_steps} if max_steps else {})
        T.fit_self_trained(Path(config) if config else T.DEFAULT_CONFIG, model, tdocs, ddocs, seed, ov,
                           work / f"fold{i}", T.unlabelled_records(silver), vocab, teacher=teacher,
                           processes=procs)
    os.environ["KG_MODEL"] = str(model)
    recs = T.abstract_records(test_ids)
    preds = list(P.extract_papers(papers_of(recs), workers=1))
    return {"fold": i, "test_ids": test_ids, "train_seconds": round(time.time() - t0, 1), "preds": preds}


def cross_validate(k: int = 5, processes: int = 2, seed: int = 0, max_steps: int | None = None,
                   work_dir: str | Path | None = None, config: str | None = None,
                   max_docs: int | None = None, overrides: dict | None = None, reuse_models: bool = False,
                   silver: int | None = None, teacher: str = "ensemble", only: list[int] | None = None) -> dict:
    """Run the k folds (``processes`` at a time; ``only`` some of them, e.g. one fold a session) and
    score the pooled predictions of the folds run. Writes ``cv.json`` and ``predictions.jsonl`` into
    ``work_dir``; returns the cv.json content (each fold also carries its own scores, for :func:`record`)."""
    from ..evaluate import score

    work = Path(work_dir) if work_dir else Path(tempfile.mkdtemp(prefix="kg-cv-"))
    work.mkdir(parents=True, exist_ok=True)
    all_ids = sorted(T.scirex_docs())[:max_docs] if max_docs else sorted(T.scirex_docs())
    overrides = T.with_static_vectors(Path(config) if config else T.DEFAULT_CONFIG, overrides, work, silver, print)
    run = [(i, f) for i, f in enumerate(folds(all_ids, k)) if only is None or i in only]
    if not run:
        raise ValueError(f"--only {only}: there are folds 0 to {k - 1} only")
    procs = max(1, processes // len(run))  # fewer folds than processes: each fold's teacher uses the rest
    jobs = [(i, f, all_ids, work, seed, max_steps, config, overrides, reuse_models, silver, teacher, procs)
            for i, f in run]
    # not a multiprocessing.Pool: its daemonic workers could not start the teacher's own processes
    with ProcessPoolExecutor(min(processes, len(jobs)), mp_context=get_context("fork")) as pool:
        runs = list(pool.map(_run_fold, jobs))
    preds = [p for r in runs for p in r["preds"]]
    gold = T.abstract_records([i for r in runs for i in r["test_ids"]])
    result = {
        "method": f"{k}-fold cross-validation over {len(all_ids)} SciREX dev papers, folds by md5(paper id) "
                  "(fold 0 = the fixed held-out split); full kg extract pipeline; NER retrained per fold",
        "settings": {"seed": seed, "max_steps": max_steps, "config": str(config or T.DEFAULT_CONFIG.name),
                     "silver": silver, "teacher": teacher if silver != 0 else None,
                     "static_vectors": "paths.vectors" in overrides},
        "scores": score(gold, preds),
        "folds": [],
    }
    for r in runs:
        s = score(T.abstract_records(r["test_ids"]), r["preds"])
        result["folds"].append({"fold": r["fold"], "papers": len(r["test_ids"]), "seconds": r["train_seconds"],
                                "strict_micro_F1": s["strict"]["micro"]["F1"], "scores": s})
    with open(work / "predictions.jsonl", "w", encoding="utf-8") as fh:
        for p in preds:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    (work / "cv.json").write_text(json.dumps(result, indent=1) + "\n")
    return result


def record(result: dict, model_dir: Path, merge: bool = False) -> None:
    """Add a cross-validation result to a trained model's scores.json and regenerate its model card.

    ``merge``: the result holds other folds of the run already recorded (same settings, e.g. the folds
    a later session ran); the recorded scores become those of all the folds pooled (:func:`pool`)."""
    from ..evaluate import pool

    scores = json.loads((model_dir / "scores.json").read_text())
    new = {k: result[k] for k in ("method", "settings", "scores", "folds", "note") if k in result}
    old = scores.get("crossval")
    if merge and old:
        if old["settings"] != new["settings"]:
            raise ValueError(f"cannot merge folds run with other settings: {old['settings']} != {new['settings']}")
        done = {f["fold"] for f in old["folds"]}
        if done & {f["fold"] for f in new["folds"]}:
            raise ValueError(f"folds {sorted(done & {f['fold'] for f in new['folds']})} are already recorded")
        new["scores"] = pool([old["scores"], new["scores"]])
        new["folds"] = sorted(old["folds"] + new["folds"], key=lambda f: f["fold"])
        new.setdefault("note", old.get("note"))
    scores["crossval"] = new
    (model_dir / "scores.json").write_text(json.dumps(scores, indent=1) + "\n")
    (model_dir / "README.md").write_text(model_card(scores))


if __name__ == "__main__":  # pragma: no cover
    import argparse

    from ..evaluate import format_scores

    ap = argparse.ArgumentParser(description="K-fold cross-validation of the kg extract pipeline")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-steps", type=int, default=None)
    ap.add_argument("--work-dir", default=None)
    ap.add_argument("--config", default=None)
    ap.add_argument("--max-docs", type=int, default=None)
    ap.add_argument("--reuse-models", action="store_true",
                    help="keep fold models already in --work-dir (re-score changed rules without retraining)")
    ap.add_argument("--only", default=None, help="comma-separated fold numbers to run (default: all)")
    ap.add_argument("--record", default=None, help="model directory whose scores.json / README.md get the result")
    ap.add_argument("--merge", action="store_true",
                    help="with --record: pool these folds with the folds already recorded (same settings)")
    ap.add_argument("--silver", type=int, default=None,
                    help="unlabelled abstracts each fold self-trains on (default all, as kg train; 0: none)")
    ap.add_argument("--teacher", default="ensemble", choices=T.TEACHERS,
                    help="who tags the unlabelled abstracts (as kg train --teacher)")
    ap.add_argument("--vectors", action=argparse.BooleanOptionalAction, default=None,
                    help="static word vectors in the tok2vec (kg.extract.vectors; default: as the config says)")
    a = ap.parse_args()
    res = cross_validate(a.folds, a.processes, a.seed, a.max_steps, a.work_dir, a.config, a.max_docs,
                         reuse_models=a.reuse_models, silver=a.silver, teacher=a.teacher,
                         overrides=None if a.vectors is None else {T.VECTORS_FLAG: a.vectors},
                         only=[int(x) for x in a.only.split(",")] if a.only else None)
    print(format_scores(res["scores"]))
    print(json.dumps([{k: v for k, v in f.items() if k != "scores"} for f in res["folds"]], indent=1))
    if a.record:
        record(res, Path(a.record), merge=a.merge)
