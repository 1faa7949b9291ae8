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
from collections.abc import Callable
from pathlib import Path
from typing import Iterable

from .errors import InputError, RecordError

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
        out[mode] = _table({t: tot[t] + [ng[t]] for t in types})
    return out


def _table(counts: dict[str, list[int]]) -> dict:
    """Per type and micro-summed: ``[tp on prediction side, n_pred, tp on gold side, n_gold]`` ->
    ``{P, R, F1, n_gold, n_pred}``."""
    counts = dict(counts)
    counts["micro"] = [sum(c[i] for c in counts.values()) for i in range(4)]
    res = {}
    for t, (a, b, c, n) in counts.items():
        P = a / b if b else 0.0
        R = c / n if n else 0.0
        F = 2 * P * R / (P + R) if P + R else 0.0
        res[t] = {"P": round(P, 3), "R": round(R, 3), "F1": round(F, 3), "n_gold": n, "n_pred": b}
    return res


def pool(parts: Iterable[dict]) -> dict:
    """One :func:`score` result for several scored sets of *different* papers (e.g. the folds of a
    cross-validation run in different sessions), as if their predictions had been scored together.

    The counts are recovered from each part's rounded P and R (``P * n_pred`` and ``R * n_gold``),
    which is exact while a part has fewer than 1,000 predictions or gold strings per type."""
    parts = list(parts)
    out = {}
    for mode in ("strict", "lenient"):
        types = [t for t in parts[0][mode] if t != "micro"]
        tot = {t: [0, 0, 0, 0] for t in types}  # tp on prediction side, n_pred, tp on gold side, n_gold
        for part in parts:
            for t in types:
                r = part[mode][t]
                if max(r["n_pred"], r["n_gold"]) >= 1000:
                    raise ValueError("pool: a part with 1,000 or more strings of a type cannot be pooled "
                                     "exactly from rounded scores; score the predictions together")
                tot[t][0] += round(r["P"] * r["n_pred"])
                tot[t][1] += r["n_pred"]
                tot[t][2] += round(r["R"] * r["n_gold"])
                tot[t][3] += r["n_gold"]
        out[mode] = _table(tot)
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


def error_kinds(gold, pred, types: Iterable[str] | None = None, examples: int = 3) -> list[tuple[str, int, list[str]]]:
    """The strict errors grouped into kinds, most common first: ``[(kind, count, examples)]``.

    A gold string another type predicted exactly is a *type confusion*; one that a same-type
    prediction contains or is contained in is a *span* error (counted once, from the gold side);
    other gold strings are *missed*. A prediction that overlaps no gold string of any type is
    *not in gold*; the false positives of confusions and span errors are not counted twice."""
    types = list(types) if types is not None else list(TYPES)
    gold_s, pred_s = _gold_sets(gold, types), _pred_sets(pred, types)
    kinds: dict[str, list[str]] = defaultdict(list)
    for pid, g in gold_s.items():
        p = pred_s.get(pid, {})
        all_gold = {y for t in types for y in g.get(t, ())}
        for t in types:
            G, P = g.get(t, set()), p.get(t, set())
            for y in sorted(G - P):
                other = [t2 for t2 in types if t2 != t and y in p.get(t2, ())]
                if other:
                    kinds[f"type confusion: gold {t}, predicted {other[0]}"].append(y)
                elif any(contains(x, y) for x in P):
                    kinds[f"{t} span longer/shorter than gold"].append(y)
                else:
                    kinds[f"{t} missed"].append(y)
            for x in sorted(P - G):
                if not any(contains(x, y) for y in all_gold):
                    kinds[f"{t} predicted, not in gold"].append(x)
    ranked = sorted(kinds.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [(k, len(v), v[:examples]) for k, v in ranked]


def format_scores(res: dict) -> str:
    lines = []
    for mode, r in res.items():
        lines.append(mode)
        for t, v in r.items():
            lines.append(f"  {t:8s} P={v['P']:.3f} R={v['R']:.3f} F1={v['F1']:.3f} "
                         f"gold={v['n_gold']} pred={v['n_pred']}")
    return "\n".join(lines)


# ---------------------------------------------------------------- kg eval


def read_jsonl(path: str | Path, needs: str, skipped: list[RecordError], required: bool = False) -> list[dict]:
    """The JSON objects of a JSONL file that have an ``id`` and the list ``needs`` (it may be absent
    unless ``required``); any other line is skipped and added to ``skipped`` as a
    :class:`RecordError` naming file and line."""
    out = []
    try:
        fh = open(path, encoding="utf-8")
    except OSError as e:
        raise InputError(f"cannot read {path}: {e.strerror}") from e
    with fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except ValueError as e:
                skipped.append(RecordError(f"not a JSON object ({e.args[0][:80]})", str(path), n))
                continue
            if (not isinstance(rec, dict) or "id" not in rec or (required and needs not in rec)
                    or not isinstance(rec.get(needs, []), list)):
                skipped.append(RecordError(f"needs an object with \"id\" and a list \"{needs}\"", str(path), n))
                continue
            out.append(rec)
    return out


def evaluate(gold: str | Path, pred: str | Path | None = None, types: Iterable[str] | None = None,
             progress: Callable[[str], None] | None = None) -> dict:
    """Score ``pred`` (JSONL as ``kg extract`` writes) or, without it, kg's own extraction of the gold
    records' title + abstract against ``gold`` (JSONL ``{"id", "title", "abstract", "gold": [...]}``).
    Returns ``{"scores", "errors", "error_kinds", "skipped": [messages], "papers": n}``."""
    types = list(types) if types else list(TYPES)
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise InputError(f"unknown entity type(s) {', '.join(unknown)}; choose from {', '.join(TYPES)}")
    skipped: list[RecordError] = []
    gold_recs = read_jsonl(gold, "gold", skipped, required=True)
    if not gold_recs:
        raise InputError(f"{gold} has no gold records (JSONL lines like "
                         '{"id": ..., "title": ..., "abstract": ..., "gold": [{"type": ..., "text": ...}]})')
    if pred is not None:
        preds = read_jsonl(pred, "entities", skipped)
    else:
        from .extract.pipeline import extract_papers
        from .models import Paper

        if progress:
            progress(f"extracting {len(gold_recs)} papers from {gold} ...")
        papers = [Paper(id=str(r["id"]), title=str(r.get("title") or ""), abstract=str(r.get("abstract") or ""))
                  for r in gold_recs]
        preds = list(extract_papers(papers))
    return {"papers": len(gold_recs), "scores": score(gold_recs, preds, types),
            "errors": errors(gold_recs, preds, types), "error_kinds": error_kinds(gold_recs, preds, types),
            "skipped": [str(e) for e in skipped]}


def evaluate_cli(gold, pred, types, show_errors: bool, fmt: str, emit: Callable) -> None:
    """``kg eval``: the scores (and with ``show_errors`` the errors per paper and their kinds)."""
    import click

    res = evaluate(gold, pred, types, progress=lambda m: click.echo(m, err=True))
    for msg in res["skipped"][:10]:
        click.echo(f"skipped {msg}", err=True)
    if len(res["skipped"]) > 10:
        click.echo(f"... {len(res['skipped']) - 10} more skipped lines", err=True)
    rows = [{"mode": mode, "type": t, "P": v["P"], "R": v["R"], "F1": v["F1"], "gold": v["n_gold"], "pred": v["n_pred"]}
            for mode, per in res["scores"].items() for t, v in per.items()]
    err_rows = [{"paper": pid, "error": side, "type": t, "strings": xs}
                for pid, e in res["errors"].items() for side in ("fn", "fp") for t, xs in e[side].items()]
    kind_rows = [{"kind": k, "count": n, "examples": ex} for k, n, ex in res["error_kinds"]]
    if fmt == "json":
        out = {"papers": res["papers"], "scores": res["scores"], "skipped": res["skipped"]}
        if show_errors:
            out |= {"errors": res["errors"], "error_kinds": kind_rows}
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    emit(rows, fmt)
    if show_errors:
        click.echo()
        emit(err_rows, fmt)
        click.echo()
        emit(kind_rows, fmt)
    if res["skipped"]:
        click.echo(f"{len(res['skipped'])} bad line(s) skipped", err=True)
