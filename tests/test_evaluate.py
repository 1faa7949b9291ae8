"""kg.evaluate must give exactly what the official scorer (shared/eval/score.py) gives."""

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from kg.evaluate import error_kinds, errors, norm, pool, score

SHARED = Path(os.environ.get("KG_SHARED") or Path(__file__).resolve().parents[2] / "shared")
SCORER = SHARED / "eval" / "score.py"
GOLD = SHARED / "data" / "scirex-dev.jsonl"
needs_shared = pytest.mark.skipif(
    not (SCORER.exists() and GOLD.exists()),
    reason=f"official scorer/gold not found under {SHARED} (set KG_SHARED to the shared/ folder)")


def _noisy_predictions(gold_path: Path, seed: int = 0) -> list[dict]:
    """Predictions derived from gold: dropped, truncated, extended, retyped and invented strings,
    a missing paper and an unknown paper, so strict and lenient differ."""
    rng = random.Random(seed)
    recs = [json.loads(line) for line in gold_path.read_text().splitlines() if line.strip()]
    out = []
    for k, r in enumerate(recs):
        if k == 3:
            continue  # a paper without predictions
        ents = []
        for e in r["gold"]:
            x = rng.random()
            words = e["text"].split()
            if x < 0.2:
                continue
            if x < 0.35 and len(words) > 1:
                ents.append({"type": e["type"], "text": " ".join(words[1:])})
            elif x < 0.45:
                ents.append({"type": e["type"], "text": "the novel " + e["text"] + "s"})
            elif x < 0.55:
                ents.append({"type": rng.choice(["Method", "Dataset", "Metric", "Task"]), "text": e["text"]})
            else:
                ents.append({"type": e["type"], "text": e["text"].upper()})
        ents.append({"type": "Metric", "text": "accuracy"})
        ents.append({"type": "Hardware", "text": "GPU"})
        ents.append({"type": "Task", "text": "---"})
        out.append({"id": r["id"], "entities": ents})
    out.append({"id": "not-a-paper", "entities": [{"type": "Method", "text": "BERT"}]})
    return out


@needs_shared
@pytest.mark.parametrize("types", [None, ["Method", "Dataset", "Metric", "Task", "Hardware"]])
def test_agrees_with_official_scorer(tmp_path, types):
    pred = _noisy_predictions(GOLD)
    pred_path = tmp_path / "pred.jsonl"
    pred_path.write_text("".join(json.dumps(r) + "\n" for r in pred))
    cmd = [sys.executable, str(SCORER), str(GOLD), str(pred_path), "--json"]
    if types:
        cmd.append("--types=" + ",".join(types))
    official = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    ours_path = score(GOLD, pred_path, types=types)
    ours_records = score([json.loads(line) for line in GOLD.read_text().splitlines()], pred, types=types)
    assert ours_path == official
    assert ours_records == official
    assert official["strict"]["micro"]["F1"] < official["lenient"]["micro"]["F1"] < 1.0


@needs_shared
def test_gold_against_itself_is_perfect():
    recs = [json.loads(line) for line in GOLD.read_text().splitlines()]
    pred = [{"id": r["id"], "entities": r["gold"]} for r in recs]
    res = score(GOLD, pred)
    for mode in ("strict", "lenient"):
        assert res[mode]["micro"]["F1"] == 1.0
    assert errors(GOLD, pred) == {}


@needs_shared
def test_scores_of_separate_folds_pool_to_the_score_of_all_papers_together():
    """Cross-validation folds run in different sessions are pooled from their score dicts alone."""
    recs = [json.loads(line) for line in GOLD.read_text().splitlines()]
    pred = _noisy_predictions(GOLD)
    parts = [score(recs[k::5], pred) for k in range(5)]
    assert pool(parts) == score(recs, pred)
    assert pool(parts[:2]) == score(recs[0::5] + recs[1::5], pred)
    assert pool(parts[:1]) == parts[0]


def test_norm_and_errors():
    assert norm("Long Short-Term Memories") == "long short term memorie"
    assert norm("  ImageNet.  ") == "imagenet"
    assert norm("loss") == "loss"
    gold = [{"id": "p", "gold": [{"type": "Method", "text": "LSTM"}, {"type": "Dataset", "text": "SQuAD"}]}]
    pred = [{"id": "p", "entities": [{"type": "Method", "text": "LSTMs"}, {"type": "Method", "text": "CNN"},
                                     {"type": "Dataset", "text": "SQuAD dataset"}]}]
    e = errors(gold, pred)
    assert e == {"p": {"fp": {"Method": ["cnn"], "Dataset": ["squad dataset"]}, "fn": {"Dataset": ["squad"]}}}
    assert errors(gold, pred, lenient=True) == {"p": {"fp": {"Method": ["cnn"]}, "fn": {}}}
    res = score(gold, pred)
    assert res["strict"]["Method"] == {"P": 0.5, "R": 1.0, "F1": 0.667, "n_gold": 1, "n_pred": 2}
    assert res["lenient"]["Dataset"]["F1"] == 1.0


def test_error_kinds_count_each_mistake_once():
    gold = [{"id": "p", "gold": [{"type": "Method", "text": "Dual Path Network"},
                                 {"type": "Task", "text": "semantic segmentation"},
                                 {"type": "Method", "text": "deep learning"},
                                 {"type": "Metric", "text": "accuracy"}]}]
    pred = [{"id": "p", "entities": [{"type": "Method", "text": "modularized Dual Path Network"},  # span
                                     {"type": "Task", "text": "deep learning"},  # confusion
                                     {"type": "Method", "text": "training algorithms"},  # not in gold
                                     {"type": "Metric", "text": "accuracy"}]}]  # right
    kinds = {k: (n, ex) for k, n, ex in error_kinds(gold, pred)}
    assert kinds == {
        "Method span longer/shorter than gold": (1, ["dual path network"]),
        "type confusion: gold Method, predicted Task": (1, ["deep learning"]),
        "Task missed": (1, ["semantic segmentation"]),
        "Method predicted, not in gold": (1, ["training algorithm"]),
    }
