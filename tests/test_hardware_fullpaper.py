"""Hardware extraction scored on hand-annotated sentences from full research papers.

``tests/fixtures/hardware_fullpaper.jsonl``: 307 sentences of the 100 SciREX dev documents
(detokenised with ``kg.extract.train.detokenize``, SciREX's sentence splits kept as they are, even
where they cut a sentence in two): every sentence with GPU/TPU/CPU/core/cluster/Titan/Tesla/GTX/
K80/P100/Xeon/NVIDIA/Intel ... in it, plus 40 random sentences without such a word. One object a
line: ``{"doc", "text", "hardware": [{"name", "count", "amount", "amount_unit"}]}``.

Annotation guideline (what a reader building a compute graph wants: what the work runs on)
------------------------------------------------------------------------------------------
* A named device (a model from ``kg/extract/data/hardware.tsv``: "Titan X", "Tesla K40c",
  "i7-2600", "Xeon E5") is always a mention, with the canonical name of the TSV ("GTX Titan X",
  "K40", "Core i7", "Xeon"), whatever the sentence does with it (used, compared, donated).
  Not a device: names of models ("Extended Neural GPU"), sensors ("Intel RealSense").
* A generic GPU/CPU/TPU is a mention only with a device count attached: "8 GPUs", "an 8-GPU
  machine/implementation" (8), "one GPU", "a single GPU (card)", "single GPU DQN", "one-GPU
  configuration" (1), "(8 CPUs)"; and "a GPU"/"an Intel CPU" (1) when the work runs or is measured
  on it ("5 fps on a GPU", "by using a GPU", "on a CPU of a desktop PC"), not when negated or
  hypothetical ("does not use a GPU", "even (on) a GPU").
  Not mentions: bare, plural, definite or distributive uses ("on GPU", "using TPUs", "the GPU",
  "multiple GPUs", "each GPU", "per GPU", "a separate/different GPU", "the first GPU"); the article
  with a spec or adjective in between ("a 4-core CPU", "a 12 G GPU", "a newer and faster GPU",
  "a high-end Intel CPU"); GPU/CPU as a modifier ("GPU memory", "12 GB GPU memory", "GPU
  implementation", "CPU utilization", "multi-GPU training", "GPU-enabled"); counts of other things
  ("one GPU thread", "9 GPU workers", "8 DGX-1 nodes").
* Acknowledgements: "donation of 2 Tesla K40 GPUs" is a mention (named, counted); "NVIDIA donated
  the GPUs", "NVIDIA GPU awards", "a hardware donation from NVIDIA" are not (nothing named or counted).
* count: devices written right before the name ("50 K-80 GPUs" -> 50; "8 nodes with 8 V100 GPUs
  each" -> 8); "a"/"an"/"one"/"single" -> 1, also across a core count ("a 12-core Intel Xeon" -> 1);
  null when nothing is written. amount/amount_unit: "199 A100 GPU days" (none in this sample).

Scored as micro P/R/F1 over (sentence, name, count) tuples (multiset per sentence) and over
(sentence, name) alone. ``python -m pytest tests/test_hardware_fullpaper.py -q -s`` prints the
numbers; ``python tests/test_hardware_fullpaper.py`` prints them with the errors.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent / "fixtures" / "hardware_fullpaper.jsonl"


def load_gold() -> list[dict]:
    with open(FIXTURE, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def predict(gold: list[dict]) -> list[list[dict]]:
    """Hardware entities of the real pipeline, one list per sentence (sentence = abstract)."""
    from kg.extract.pipeline import extract_papers
    from kg.models import Paper

    papers = [Paper(id=f"s{i}", title="", abstract=g["text"]) for i, g in enumerate(gold)]
    return [[e for e in rec["entities"] if e["type"] == "Hardware"] for rec in extract_papers(papers)]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: list[dict], pred: list[list[dict]], with_count: bool = True):
    """((P, R, F1), [(sentence index, missed tuples, spurious tuples), ...])."""
    def key(h):
        return (h["name"], h.get("count")) if with_count else h["name"]

    tp = fp = fn = 0
    errors = []
    for i, (g, p) in enumerate(zip(gold, pred)):
        want, got = Counter(map(key, g["hardware"])), Counter(map(key, p))
        hit = sum((want & got).values())
        tp += hit
        fp += sum(got.values()) - hit
        fn += sum(want.values()) - hit
        if want != got:
            errors.append((i, sorted((want - got).elements(), key=str), sorted((got - want).elements(), key=str)))
    return _prf(tp, fp, fn), errors


def report(gold, pred) -> str:
    n_gold = sum(len(g["hardware"]) for g in gold)
    lines = [f"hardware full-paper sentences: {len(gold)}, gold mentions: {n_gold}"]
    for label, wc in (("names+counts", True), ("names only", False)):
        (p, r, f), _ = score(gold, pred, wc)
        lines.append(f"  {label:13s} P={p:.3f} R={r:.3f} F1={f:.3f}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def gold_pred():
    gold = load_gold()
    return gold, predict(gold)


def test_fixture_is_well_formed():
    gold = load_gold()
    assert len(gold) >= 250
    for g in gold:
        assert set(g) == {"doc", "text", "hardware"} and g["text"]
        for h in g["hardware"]:
            assert set(h) == {"name", "count", "amount", "amount_unit"}
            assert h["count"] is None or (isinstance(h["count"], int) and h["count"] > 0)


def test_fullpaper_f1(gold_pred):
    gold, pred = gold_pred
    print("\n" + report(gold, pred))
    (_, _, f_names), _ = score(gold, pred, with_count=False)
    (_, _, f_counts), _ = score(gold, pred, with_count=True)
    assert f_counts >= 0.90
    assert f_names >= f_counts


if __name__ == "__main__":
    gold = load_gold()
    pred = predict(gold)
    print(report(gold, pred))
    for i, missed, spurious in score(gold, pred)[1]:
        print(f"[{i}] {gold[i]['text'][:160]}\n     missed={missed} spurious={spurious}")
