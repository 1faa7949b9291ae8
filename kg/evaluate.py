"""Entity-extraction scoring with exactly the definitions of the official scorer (shared/eval/score.py).

Per paper, the set of normalised entity strings per type is compared with gold (strict); the
lenient variant counts a prediction that contains, or is contained in, a gold string of the same
type as whole words (precision side counts predictions, recall side counts gold strings). Micro
scores sum the counts over types. Gold records: ``{"id", "gold": [{type, text}]}``; predictions:
``{"id", "entities": [{type, text}]}`` (what ``kg extract`` writes). Both may be given as a path to
a JSONL file or as an iterable of dicts.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable

TYPES = ["Method", "Dataset", "Metric", "Task"]


def norm(s: str) -> str:
    s = s.lower().replace("\u2013", "-").replace("\u2014", "-")
    s = re.sub(r"[-_/]", " ", s)
    s = re.sub(r"[^a-z0-9+#. ]", "", s)
    s = re.sub(r"\s+", " ", s).strip(" .")
    if s.endswith("s") and len(s) > 4 and not s.endswith("ss"):
        s = s[:-1]
    return s


def contains(a: str, b: str) -> bool:
    return f" {a} " in f" {b} " or f" {b} " in f" {a} "


def _records(src) -> list[dict]:
    if isinstance(src, (str, Path)):
        with open(src) as fh:
            return [json.loads(line) for line in fh if line.strip()]
    return list(src)


def _gold_sets(gold, types) -> dict[str, dict[str, set]]:
    out = {}
    for r in _records(gold):
        g = defaultdict(set)
        for e in r["gold"]:
            if e["type"] in types and norm(e["text"]):
                g[e["type"]].add(norm(e["text"]))
        out[r["id"]] = g
    return out


def _pred_sets(pred, types) -> dict[str, dict[str, set]]:
    out = {}
    for r in _records(pred):
        p = defaultdict(set)
        for e in r.get("entities", []):
            t = e.get("type")
            if t in types and norm(e.get("text", "")):
                p[t].add(norm(e["text"]))
        out[str(r.get("id"))] = p
    return out


def score(gold, pred, types: Iterable[str] | None = None) -> dict:
    """``{"strict"|"lenient": {type|"micro": {P, R, F1, n_gold, n_pred}}}``, as score.py --json."""
    types = list(types) if types is not None else list(TYPES)
    gold_s, pred_s = _gold_sets(gold, types), _pred_sets(pred, types)
    out = {}
    for mode in ("strict", "lenient"):
        tot = {t: [0, 0, 0] for t in types}  # tp on prediction side, n_pred, tp on gold side
        ng = {t: 0 for t in types}
        for pid, g in gold_s.items():
            p = pred_s.get(pid, {})
            for t in types:
                G, P = g.get(t, set()), p.get(t, set())
                if mode == "strict":
                    tp_p = tp_g = len(G & P)
                else:
                    tp_p = sum(1 for x in P if any(contains(x, y) for y in G))
                    tp_g = sum(1 for y in G if any(contains(x, y) for x in P))
                tot[t][0] += tp_p
                tot[t][1] += len(P)
                tot[t][2] += tp_g
                ng[t] += len(G)
        res = {}
        for t in types + ["micro"]:
            if t == "micro":
                a = sum(tot[x][0] for x in types)
                b = sum(tot[x][1] for x in types)
                c = sum(tot[x][2] for x in types)
                n = sum(ng.values())
            else:
                a, b, c = tot[t]
                n = ng[t]
            P = a / b if b else 0.0
            R = c / n if n else 0.0
            F = 2 * P * R / (P + R) if P + R else 0.0
            res[t] = {"P": round(P, 3), "R": round(R, 3), "F1": round(F, 3), "n_gold": n, "n_pred": b}
        out[mode] = res
    return out


def errors(gold, pred, types: Iterable[str] | None = None, lenient: bool = False) -> dict:
    """Per paper (gold ids) and type: sorted false positives ``fp`` and false negatives ``fn``
    (normalised strings). ``lenient=True`` uses the lenient matching. Papers without errors are
    left out: ``{paper_id: {"fp": {type: [...]}, "fn": {type: [...]}}}``."""
    types = list(types) if types is not None else list(TYPES)
    gold_s, pred_s = _gold_sets(gold, types), _pred_sets(pred, types)
    out = {}
    for pid, g in gold_s.items():
        p = pred_s.get(pid, {})
        fp, fn = {}, {}
        for t in types:
            G, P = g.get(t, set()), p.get(t, set())
            if lenient:
                f_p = sorted(x for x in P if not any(contains(x, y) for y in G))
                f_n = sorted(y for y in G if not any(contains(x, y) for x in P))
            else:
                f_p, f_n = sorted(P - G), sorted(G - P)
            if f_p:
                fp[t] = f_p
            if f_n:
                fn[t] = f_n
        if fp or fn:
            out[pid] = {"fp": fp, "fn": fn}
    return out


def format_scores(res: dict) -> str:
    lines = []
    for mode, r in res.items():
        lines.append(mode)
        for t, v in r.items():
            lines.append(f"  {t:8s} P={v['P']:.3f} R={v['R']:.3f} F1={v['F1']:.3f} "
                         f"gold={v['n_gold']} pred={v['n_pred']}")
    return "\n".join(lines)
